// Feature: the first paint. As soon as the payload is parsed, every point on a plain 2-D canvas where
// Plotly will draw it (the opening view, the same margins, colours, size, opacity and drawing order),
// with a short note, while plotly.js still loads; the pointer already decodes over it. The plot gets
// data-painted="1" then; the canvas and the note go when Plotly has drawn ("ready", data-drawn="1").
// S.paintArea is the axes' box it drew in (tests compare it with Plotly's).
import { el } from "./dom.js";
import { decodeAt } from "./preview.js";
import { PALETTE } from "./palette.js";
import { POINT_SIZE, drawOrder, plotArea } from "./plot.js";

export function install(ctx) {
  const { S, d } = ctx, t0 = performance.now();
  const c = el("canvas", { class: "lp-firstpaint", "data-testid": "lp-firstpaint" });
  d.stage.insertBefore(c, d.overlay);
  const note = el("div", { class: "lp-loading", role: "status", "data-testid": "lp-loading",
    text: "Loading the interactive plot…" }, d.stage);
  const a = layout(ctx, c);
  paintPoints(ctx, c, a);
  note.style.left = a.left + 6 + "px";
  note.style.top = a.top + 6 + "px";
  S.paintArea = { left: a.left, top: a.top, w: a.w, h: a.h, view: a.view };
  S.stats.paintMs = performance.now() - t0;
  S.stats.paintedAt = performance.now();
  d.plot.setAttribute("data-painted", "1");
  c.addEventListener("mousemove", (e) => {
    const z = toData(ctx, a, c, e);
    if (z) decodeAt(ctx, z[0], z[1], "Pointer:");
  });
  const done = () => { c.remove(); note.remove(); d.plot.style.minHeight = ""; };
  ctx.on("ready", done);
  ctx.on("dispose", done);
}

// Hold the plot's height open (Plotly's plot fills it later) and size the canvas to it. Measured
// after the height is set, in case a scrollbar appeared and narrowed the page.
function layout(ctx, c) {
  const { stage, plot } = ctx.d, w0 = stage.clientWidth || 600;
  plot.style.minHeight = plotArea(ctx, w0).H + "px";
  const a = plotArea(ctx, stage.clientWidth || w0);
  plot.style.minHeight = a.H + "px";
  const dpr = window.devicePixelRatio || 1;
  c.width = Math.floor(a.W * dpr); c.height = Math.floor(a.H * dpr);
  c.style.width = a.W + "px"; c.style.height = a.H + "px";
  return { ...a, dpr };
}

// The data point under the pointer on the canvas, or null outside the axes' box.
function toData(ctx, a, c, e) {
  const r = c.getBoundingClientRect(), px = e.clientX - r.left - a.left, py = e.clientY - r.top - a.top;
  if (px < 0 || py < 0 || px > a.w || py > a.h) return null;
  const [[x0, x1], [y0, y1]] = a.view;
  return [x0 + (px / a.w) * (x1 - x0), y1 - (py / a.h) * (y1 - y0)];
}

// Every point, in Plotly's order, as an antialiased disc POINT_SIZE CSS pixels across at the points'
// opacity, written straight into the canvas's pixels (60,000 points in a few milliseconds).
function paintPoints(ctx, c, a) {
  const { P } = ctx, { dpr, view } = a, g = c.getContext("2d");
  const dot = disc(POINT_SIZE * dpr);
  const alpha = +ctx.d.opacity.value / 100, rgb = PALETTE.map((h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16)));
  const [[x0, x1], [y0, y1]] = view, kx = (a.w * dpr) / (x1 - x0), ky = (a.h * dpr) / (y1 - y0);
  const L = Math.round(a.left * dpr), T = Math.round(a.top * dpr), R = Math.round((a.left + a.w) * dpr), B = Math.round((a.top + a.h) * dpr);
  const img = g.createImageData(Math.max(1, R - L), Math.max(1, B - T)), px = img.data, W = img.width; // the axes' box only
  for (const i of drawOrder(ctx)) {
    const cx = a.left * dpr + (P.z[2 * i] - x0) * kx, cy = a.top * dpr + (y1 - P.z[2 * i + 1]) * ky;
    if (!(cx > L - dot.r && cx < R + dot.r && cy > T - dot.r && cy < B + dot.r)) continue;
    const col = rgb[P.y[i] % rgb.length], ix = dot.at(cx), iy = dot.at(cy);
    for (let k = 0; k < dot.length; k += 3) {
      const x = ix + dot[k], y = iy + dot[k + 1];
      if (x >= L && x < R && y >= T && y < B) blend(px, 4 * ((y - T) * W + x - L), col, alpha * dot[k + 2]);
    }
  }
  g.putImageData(img, L, T);
}

// A disc d device pixels across, as [dx, dy, coverage, ...] around the pixel dot.at(x) of a centre x
// (a pixel's centre for an odd d, a corner for an even one), with dot.r its reach.
function disc(d) {
  const n = Math.max(1, Math.round(d)), o = n % 2 ? 0.5 : 0, r = d / 2, out = [];
  for (let y = -n; y <= n; y++) for (let x = -n; x <= n; x++) {
    const cover = Math.min(1, r + 0.5 - Math.hypot(x + 0.5 - o, y + 0.5 - o));
    if (cover > 0) out.push(x, y, cover);
  }
  return Object.assign(out, { r: r + 1, at: n % 2 ? Math.floor : Math.round });
}

// `col` at opacity `a` over the pixel at offset o (RGBA, not premultiplied).
function blend(px, o, col, a) {
  const under = (px[o + 3] / 255) * (1 - a), out = a + under;
  px[o] = (col[0] * a + px[o] * under) / out;
  px[o + 1] = (col[1] * a + px[o + 1] * under) / out;
  px[o + 2] = (col[2] * a + px[o + 2] * under) / out;
  px[o + 3] = out * 255;
}
