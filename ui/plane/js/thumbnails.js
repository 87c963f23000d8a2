// Feature: digits in place of dots. When at most LIMIT shown training digits are in view, each is drawn
// as its 28 x 28 image at its place, framed in its class's colour, on a canvas above the plot (it
// follows a pan frame by frame); zoomed out, the dots come back. The images are the originals, fetched
// as static tiles (tiles.js: blocks of at most 256 digits that lie together, written by Python under the
// app's static folder) from PREFETCH in view on, so zooming further in finds them cached; without the
// data set (state.thumbs "decoded"), or where the tiles cannot be served ("unserved", or tiles.js gave
// up), each is decoded here from its encoding. Nothing is asked of Python: no script reruns.
// The plot's data-thumbnails attribute is the number drawn now; S.thumbs (T below) holds what the test
// view reports (T.want, T.drawn, T.source, T.inFlight, T.tiles.manifest and .fetched).
import { blank, el, fitCanvas, paint } from "./dom.js";
import { area, toPx, visible } from "./hit.js";
import { PALETTE } from "./palette.js";
import { absolute } from "./payload.js";
import { dispose, held, makeTiles, need } from "./tiles.js";

export const LIMIT = 400; // about as many 28 px digits as a 560 x 560 px plot holds side by side
export const PREFETCH = 1000; // fetch the originals from this many in view on (about 10 blocks)

export function install(ctx) {
  const { S, d } = ctx;
  const T = { cache: new Map(), drawn: [], want: 0, source: null, tiles: null };
  Object.defineProperty(T, "inFlight", { get: () => (T.tiles ? T.tiles.inFlight : 0) });
  S.thumbs = T;
  T.canvas = el("canvas", { class: "lp-thumbs", "data-testid": "lp-thumbs" });
  d.stage.insertBefore(T.canvas, d.overlay);
  T.caption = el("div", { class: "lp-thumbs-caption", "data-testid": "lp-thumbs-caption", hidden: "" });
  d.body.after(T.caption);
  ctx.on("dispose", () => { clearTimeout(T.slice); if (T.tiles) dispose(T.tiles); });
  ctx.on("ready", () => update(ctx, T));
  ctx.on("state", () => update(ctx, T));
  ctx.on("relayout", () => update(ctx, T));
  ctx.on("relayouting", () => update(ctx, T)); // fetch (or decode) during a zoom or pan too, not only at its end
  ctx.on("afterplot", () => draw(ctx, T));
}

// Where the images come from now: "originals" (the static tiles), else decoded here, and why:
// "decoded" (no data set), "unserved" (the server cannot write the tiles), "unfetched" (tiles.js gave up).
// A plot carrying data-thumbs-source="decoded" decodes as without the data set (bench/plane_reading.py).
function source(ctx, T) {
  const st = ctx.plot.dataset.thumbsSource === "decoded" ? { thumbs: "decoded" } : ctx.state || {};
  if (st.thumbs !== "originals" || typeof st.tiles !== "string") return st.thumbs === "unserved" ? "unserved" : "decoded";
  if (!T.tiles || T.tiles.url !== absolute(st.tiles)) {
    if (T.tiles) dispose(T.tiles);
    T.tiles = makeTiles(st.tiles, ctx.P.y.length, (b) => arrived(ctx, T, b), (b) => dropped(T, b), () => update(ctx, T));
  }
  return T.tiles.gaveUp ? "unfetched" : "originals";
}

// The view's data ranges [x0, x1, y0, y1], each pair in increasing order.
function viewBox(ctx) {
  const a = area(ctx), [x0, x1] = a.xa.range.slice().sort((p, q) => p - q);
  const [y0, y1] = a.ya.range.slice().sort((p, q) => p - q);
  return [x0, x1, y0, y1];
}

// The shown training digits inside the view, in the plot's draw order; null once more than `most`.
export function inView(ctx, most) {
  const { S, P } = ctx, vis = visible(ctx), order = S.order, [x0, x1, y0, y1] = viewBox(ctx);
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
  const src = source(ctx, T);
  if (src !== T.source) {
    T.cache.clear(); T.atlas = null; T.source = src;
    if (src === "originals") for (const b of held(T.tiles)) arrived(ctx, T, b, true);
  }
  const ids = inView(ctx, PREFETCH);
  if (src === "originals") need(T.tiles, ids ? viewBox(ctx) : null); // the manifest at once, blocks from PREFETCH on
  else if (ids) decodeMissing(ctx, T, ids); // ahead too, from PREFETCH in view, a slice at a time
  draw(ctx, T);
}

// A block of originals arrived (or is put back after the decoded ones were shown): cache its digits.
function arrived(ctx, T, b, quiet) {
  if (T.source !== "originals") return;
  b.indices.forEach((i, k) => T.cache.set(i, { img: b.bmp, sx: 28 * (k % b.cols), sy: 28 * Math.floor(k / b.cols) }));
  if (!quiet) draw(ctx, T);
}

function dropped(T, b) {
  for (const i of b.indices) if (T.cache.get(i)?.img === b.bmp) T.cache.delete(i);
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

// Draw the cached images of the digits in view (none when more than LIMIT are), in the plot's order.
function draw(ctx, T) {
  const { S, d, P } = ctx;
  if (!S.gd) return;
  const a = area(ctx), ids = inView(ctx, LIMIT + 1) || [];
  const shown = ids.length <= LIMIT ? ids.filter((i) => T.cache.has(i)) : [];
  T.want = ids.length <= LIMIT ? ids.length : 0; // how many would be drawn once all are cached
  if (!shown.length) { // zoomed out (or nothing cached yet): an empty layer, not cleared again
    blank(T.canvas, d.plot);
    T.drawn = [];
    d.plot.setAttribute("data-thumbnails", "0");
    caption(ctx, T);
    return;
  }
  const { g, dpr } = fitCanvas(T.canvas, d.plot);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
  g.imageSmoothingEnabled = false; g.lineWidth = 2;
  // 28 px (one screen pixel a digit pixel), or 56 when each has that much room: crisp either way.
  const s = Math.sqrt((a.w * a.h) / Math.max(ids.length, 1)) >= 56 ? 56 : 28;
  T.drawn = [];
  for (const i of shown) {
    const im = T.cache.get(i);
    const [x, y] = toPx(a, P.z[2 * i], P.z[2 * i + 1]), x0 = Math.round(x - s / 2), y0 = Math.round(y - s / 2);
    g.drawImage(im.img, im.sx, im.sy, 28, 28, x0, y0, s, s);
    g.strokeStyle = PALETTE[P.y[i] % PALETTE.length]; g.strokeRect(x0, y0, s, s);
    T.drawn.push([i, x0, y0, s]);
  }
  g.restore();
  d.plot.setAttribute("data-thumbnails", String(T.drawn.length));
  caption(ctx, T);
}

const WHY = {
  decoded: "the data set is not available here",
  unserved: "the server cannot store their original images",
  unfetched: "their original images could not be fetched",
};

function caption(ctx, T) {
  const on = T.drawn.length > 0;
  T.caption.hidden = !on;
  if (on) T.caption.textContent = T.source === "originals"
    ? `Zoomed in: ${T.drawn.length} training digits shown as their original images, framed in their class's colour.`
    : `Zoomed in: ${T.drawn.length} training digits shown as decoded from their encodings (${WHY[T.source]}).`;
}
