// The selection's highlight, on a canvas of its own over the plot (under the overlay and the thumbnails):
// a veil dims the whole plot area, and the lit digits (S.selMask, of the classes the legend shows) are
// drawn over it in their own colours. Plotly's trace is never restyled for a selection, so lighting half a
// million digits costs one pass over the encodings and one putImageData. Redrawn on every pan or zoom
// frame, after every Plotly redraw (a legend click, Colour by, point size) and when the selection changes.
import { el, fitCanvas } from "./dom.js";
import { area, visible } from "./hit.js";
import { colorOf } from "./plot.js";
import { PALETTE } from "./palette.js";

const VEIL = [255, 255, 255, 184]; // RGBA over the plot area while something is selected

/** @returns {{draw: () => void}} draw(): redraw at the next frame */
export function makeLitLayer(ctx) {
  const c = el("canvas", { class: "lp-lit", "data-testid": "lp-lit" });
  ctx.d.plot.after(c);
  const L = { c, frame: 0, blank: true, rgb: new Map(), probe: null };
  const draw = () => {
    if (!L.frame) L.frame = requestAnimationFrame(() => { L.frame = 0; if (!ctx.disposed) paintLit(ctx, L); });
  };
  for (const name of ["relayouting", "relayout", "afterplot"]) ctx.on(name, draw);
  ctx.on("dispose", () => cancelAnimationFrame(L.frame));
  return { draw };
}

function paintLit(ctx, L) {
  const { S, P, d } = ctx;
  if (!S.gd || !S.selMask) {
    if (!L.blank) { fitCanvas(L.c, d.plot); L.blank = true; }
    return;
  }
  const { g, dpr } = fitCanvas(L.c, d.plot), a = area(ctx);
  const ax = Math.round(a.left * dpr), ay = Math.round(a.top * dpr), w = Math.round(a.w * dpr), h = Math.round(a.h * dpr);
  if (w < 1 || h < 1) return;
  const img = g.createImageData(w, h), buf = new Uint32Array(img.data.buffer);
  buf.fill(pack(VEIL));
  const [x0, x1] = a.xa.range, [y0, y1] = a.ya.range, kx = w / (x1 - x0), ky = h / (y1 - y0);
  const side = Math.max(2, Math.round(+d.pointSize.value * dpr)), half = side / 2;
  const vis = visible(ctx), byClass = !(S.colorBy && S.colorBy.colorOf), mask = S.selMask;
  const classRgb = byClass ? ctx.classes.map((_, k) => rgbOf(L, PALETTE[k % PALETTE.length])) : null;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || !vis[P.y[i]]) continue;
    const cx = Math.round((P.z[2 * i] - x0) * kx - half), cy = Math.round((y1 - P.z[2 * i + 1]) * ky - half);
    if (cx + side <= 0 || cy + side <= 0 || cx >= w || cy >= h) continue;
    const col = byClass ? classRgb[P.y[i]] : rgbOf(L, colorOf(ctx, i));
    for (let yy = Math.max(0, cy); yy < Math.min(h, cy + side); yy++) buf.fill(col, yy * w + Math.max(0, cx), yy * w + Math.min(w, cx + side));
  }
  g.putImageData(img, ax, ay);
  L.blank = false;
}

const pack = ([r, g, b, al]) => ((al << 24) | (b << 16) | (g << 8) | r) >>> 0; // little-endian RGBA

// A CSS colour as packed opaque RGBA, read once from a 1 x 1 canvas and kept.
function rgbOf(L, css) {
  let v = L.rgb.get(css);
  if (v === undefined) {
    const g = L.probe || (L.probe = Object.assign(document.createElement("canvas"), { width: 1, height: 1 }).getContext("2d", { willReadFrequently: true }));
    g.clearRect(0, 0, 1, 1); g.fillStyle = css; g.fillRect(0, 0, 1, 1);
    const p = g.getImageData(0, 0, 1, 1).data;
    L.rgb.set(css, (v = pack([p[0], p[1], p[2], 255])));
  }
  return v;
}
