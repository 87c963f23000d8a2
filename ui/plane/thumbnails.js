// Feature: digits in place of dots. When at most LIMIT shown training digits are in view, each is drawn
// as its 28 x 28 image at its place, framed in its class's colour, on a canvas above the plot (it
// follows a pan frame by frame); zoomed out, the dots come back. The images are the originals, asked
// of Python (ui/plane_thumbs.py) as {req, indices} and sent back as a PNG atlas
// (a window "lp-thumbs" event), from PREFETCH in view on, so zooming further in finds them cached;
// without the data set (state.thumbs "decoded") each is decoded here from its encoding.
// The request goes through ui/plane_thumbs.py's own small component (window.__lpThumbAsk[channel]),
// whose fragment alone reruns: asking never reruns the page around the plane. The plot's
// data-thumbnails attribute is the number drawn now; S.thumbs (T below) is what tests and bench read.
import { el, fitCanvas, paint } from "./dom.js";
import { area, toPx, visible } from "./hit.js";
import { PALETTE } from "./plot.js";

export const LIMIT = 400; // about as many 28 px digits as a 560 x 560 px plot holds side by side
export const PREFETCH = 1000; // ask for the originals from this many in view on (one atlas, about 190 KB)
const RETRY_MS = 4000; // a request unanswered this long is asked again

export function install(ctx) {
  const { S, d } = ctx;
  const T = { cache: new Map(), asked: new Map(), sent: new Map(), seen: new Set(), req: 0, drawn: [], ms: [], source: null };
  S.thumbs = T;
  T.canvas = el("canvas", { class: "lp-thumbs", "data-testid": "lp-thumbs" });
  d.stage.insertBefore(T.canvas, d.overlay);
  T.caption = el("div", { class: "lp-thumbs-caption", "data-testid": "lp-thumbs-caption", hidden: "" });
  d.stage.after(T.caption);
  const onAtlas = (e) => receive(ctx, T, e.detail);
  window.addEventListener("lp-thumbs", onAtlas);
  ctx.on("dispose", () => window.removeEventListener("lp-thumbs", onAtlas));
  ctx.on("ready", () => update(ctx, T));
  ctx.on("state", () => update(ctx, T));
  ctx.on("relayout", () => update(ctx, T));
  ctx.on("relayouting", () => draw(ctx, T));
  ctx.on("afterplot", () => draw(ctx, T));
}

function source(ctx) {
  return ((window.__lpState || {})[ctx.channel] || {}).thumbs === "originals" ? "originals" : "decoded";
}

// The shown training digits inside the view, in the plot's draw order; null once more than `most`.
export function inView(ctx, most) {
  const { S, P } = ctx, a = area(ctx), vis = visible(ctx), order = S.order;
  const [x0, x1] = a.xa.range.slice().sort((p, q) => p - q), [y0, y1] = a.ya.range.slice().sort((p, q) => p - q);
  const out = [];
  for (let k = 0; k < P.y.length; k++) {
    const i = order ? order[k] : k, z1 = P.z[2 * i], z2 = P.z[2 * i + 1];
    if (z1 < x0 || z1 > x1 || z2 < y0 || z2 > y1 || !vis[P.y[i]]) continue;
    if (out.length === most) return null;
    out.push(i);
  }
  return out;
}

function update(ctx, T) {
  if (!ctx.S.gd) return;
  const src = source(ctx);
  if (src !== T.source) { T.cache.clear(); T.asked.clear(); T.atlas = null; T.source = src; }
  const ids = inView(ctx, PREFETCH);
  if (ids && src === "originals") ask(ctx, T, ids);
  else if (ids) decodeMissing(ctx, T, ids); // ahead too, from PREFETCH in view, a slice at a time
  T.restAt = performance.now();
  draw(ctx, T);
}

function ask(ctx, T, ids) {
  const now = performance.now();
  const missing = ids.filter((i) => !T.cache.has(i) && !(now - (T.asked.get(i) || -1e9) < RETRY_MS));
  const send = (window.__lpThumbAsk || {})[ctx.channel];
  if (!missing.length || !send) return;
  T.req += 1;
  for (const i of missing) T.asked.set(i, now);
  T.sentAt = now;
  T.sent.set(T.req, now);
  send({ req: T.req, indices: missing });
}

// Decode the digits not cached yet, a slice of about SLICE_MS at a time (drawing after each), so the
// first ones show at once and panning stays smooth; into shared 32 x 32-digit atlas canvases.
const SLICE_MS = 12;
function decodeMissing(ctx, T, ids) {
  clearTimeout(T.slice);
  const img = new Float32Array(784), t = performance.now(), todo = ids.filter((i) => !T.cache.has(i));
  for (const i of todo) {
    if (performance.now() - t > SLICE_MS) { T.slice = setTimeout(() => { decodeMissing(ctx, T, todo); draw(ctx, T); }, 0); return; }
    if (!T.atlas || T.atlasNext === 1024) {
      T.atlas = el("canvas", { width: 28 * 32, height: 28 * 32 }); T.atlasNext = 0;
    }
    const k = T.atlasNext++, sx = 28 * (k % 32), sy = 28 * Math.floor(k / 32);
    paint(T.atlas.getContext("2d"), ctx.dec.decode(ctx.P.z[2 * i], ctx.P.z[2 * i + 1], img), sx, sy);
    T.cache.set(i, { img: T.atlas, sx, sy });
  }
}

// An atlas from Python: "LETH" + uint32 n + JSON {channel, req, indices, cols} + padding + PNG.
function receive(ctx, T, u8) {
  if (!u8 || u8.byteLength < 8 || String.fromCharCode(...u8.subarray(0, 4)) !== "LETH") return;
  const n = new DataView(u8.buffer, u8.byteOffset).getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + n)));
  if (head.channel !== ctx.channel || T.seen.has(head.req) || T.source !== "originals") return;
  T.seen.add(head.req);
  const png = new Blob([u8.subarray((8 + n + 3) & ~3)], { type: "image/png" });
  createImageBitmap(png).then((bmp) => {
    head.indices.forEach((i, k) => {
      T.cache.set(i, { img: bmp, sx: 28 * (k % head.cols), sy: 28 * Math.floor(k / head.cols) });
      T.asked.delete(i);
    });
    if (T.sentAt) T.ms.push(performance.now() - T.sentAt);
    // Answers come in the order asked: digits asked before this request and still missing were in a
    // request that was dropped (two asks before one rerun keep only the last): ask for them again now.
    const at = T.sent.get(head.req);
    for (const [i, t] of T.asked) if (t < at) T.asked.delete(i);
    update(ctx, T);
  });
}

// Draw the cached images of the digits in view (none when more than LIMIT are), in the plot's order.
function draw(ctx, T) {
  const { S, d, P } = ctx;
  if (!S.gd) return;
  const { g, dpr } = fitCanvas(T.canvas, d.plot), a = area(ctx), ids = inView(ctx, LIMIT + 1) || [];
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
  g.imageSmoothingEnabled = false; g.lineWidth = 2;
  // 28 px (one screen pixel a digit pixel), or 56 when each has that much room: crisp either way.
  const s = Math.sqrt((a.w * a.h) / Math.max(ids.length, 1)) >= 56 ? 56 : 28;
  T.drawn = [];
  T.want = ids.length <= LIMIT ? ids.length : 0; // how many would be drawn once all are cached
  for (const i of ids.length <= LIMIT ? ids : []) {
    const im = T.cache.get(i);
    if (!im) continue;
    const [x, y] = toPx(a, P.z[2 * i], P.z[2 * i + 1]), x0 = Math.round(x - s / 2), y0 = Math.round(y - s / 2);
    g.drawImage(im.img, im.sx, im.sy, 28, 28, x0, y0, s, s);
    g.strokeStyle = PALETTE[P.y[i] % PALETTE.length]; g.strokeRect(x0, y0, s, s);
    T.drawn.push([i, x0, y0, s]);
  }
  g.restore();
  d.plot.setAttribute("data-thumbnails", String(T.drawn.length));
  caption(ctx, T);
}

function caption(ctx, T) {
  const on = T.drawn.length > 0;
  T.caption.hidden = !on;
  if (on) T.caption.textContent = T.source === "originals"
    ? `Zoomed in: ${T.drawn.length} training digits shown as their original images, framed in their class's colour.`
    : `Zoomed in: ${T.drawn.length} training digits shown as decoded from their encodings (the data set is not available here).`;
}
