// The plane's test view: what tests/e2e, bench/ and docs/make_screenshot.py may read, and the plane's one
// window global, window.latentPlane (documented in docs/live-plane-modules.md):
//   latentPlane.payloads       Map sha -> Promise<Uint8Array>: payload.js's cache, kept across planes
//                              and page switches (so Compare's two planes and a return fetch nothing)
//   latentPlane.view(channel)  a frozen plain object describing the plane with that key now, or null
//                              (not mounted, or its payload not parsed yet); see snapshot() below
// Nothing else outside the plane reads S, ctx or Plotly's private fields; renaming them breaks no test.
import { area, visible } from "./hit.js";
import { colorOf } from "./plot.js";
import { GLOBAL } from "./payload.js";

const LIVE = new Map(); // channel -> ctx of the plane shown with that key (removed when it is disposed)

export function register(ctx) {
  LIVE.set(ctx.channel, ctx);
  GLOBAL.view = (channel) => (LIVE.has(channel) ? snapshot(LIVE.get(channel)) : null);
}

export function unregister(ctx) {
  if (LIVE.get(ctx.channel) === ctx) LIVE.delete(ctx.channel);
}

function freeze(v) {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) freeze(v[k]);
    Object.freeze(v);
  }
  return v;
}

const copy = (v) => (v == null ? null : JSON.parse(JSON.stringify(v)));

// The plot area {left, top, w, h} (CSS pixels in the plot's div) and its data ranges {x, y}: Plotly's
// once drawn, else firstpaint.js's (the opening view, at equal units).
function frame(ctx) {
  const S = ctx.S;
  if (S.gd) {
    const a = area(ctx);
    return { area: { left: a.left, top: a.top, w: a.w, h: a.h }, range: { x: a.xa.range.slice(), y: a.ya.range.slice() } };
  }
  const a = S.paintArea, v = a ? a.view : ctx.view0;
  return { area: a ? { left: a.left, top: a.top, w: a.w, h: a.h } : null, range: v ? { x: v[0].slice(), y: v[1].slice() } : null };
}

// Page pixels [x, y] of data point (z1, z2) in the plane as shown now.
function toPage(ctx, z1, z2) {
  const { area: a, range } = frame(ctx), r = ctx.d.plot.getBoundingClientRect();
  if (!a) return null;
  const [x0, x1] = range.x, [y0, y1] = range.y;
  return [r.left + a.left + ((z1 - x0) / (x1 - x0)) * a.w, r.top + a.top + ((y1 - z2) / (y1 - y0)) * a.h];
}

function thumbnails(S) {
  const T = S.thumbs, t = T && T.tiles;
  if (!T) return null;
  return { shown: T.drawn.length, want: T.want, drawn: copy(T.drawn), source: T.source, inFlight: T.inFlight,
    blocks: t && t.manifest ? copy(t.manifest.blocks) : null, fetched: t ? [...t.fetched] : [],
    idle: !t || (!!t.manifest && T.inFlight === 0) };
}

function replay(S) {
  const R = S.replay;
  if (!R || !R.H) return R ? { state: "none" } : null;
  return { state: S.d.plot.dataset.replay, epoch: +S.d.plot.dataset.replayEpoch, times: Array.from(R.H.t),
    frames: R.frames.slice(), ms: R.ms.slice(), shown: R.on && R.shown ? { x: Array.from(R.shown.x), y: Array.from(R.shown.y) } : null };
}

// The training digits the plane lights for a selection (select_lit.js: its mask, of the classes shown), sorted.
function lit(ctx) {
  const { S, P } = ctx, m = S.selMask, out = [];
  if (!S.gd || !m) return out;
  const vis = visible(ctx);
  for (let i = 0; i < m.length; i++) if (m[i] && vis[P.y[i]]) out.push(i);
  return out;
}

// Colour by (colorby.js): what colours the points, its scale, the brushed range and the count in it,
// and the worst digits listed; null before the plane offers it.
function colorBy(S) {
  const C = S.colorBy;
  if (!C) return null;
  return { key: C.key, spec: copy(C.spec), range: copy(C.range), inRange: C.inRange, worst: C.worst.slice(),
    offered: C.offered.slice(), note: C.note, loaded: !!C.values };
}

// The points trace as drawn: [training digit, CSS colour] for each of its points, in drawing order.
function drawnColors(S) {
  const t = S.gd && S.gd.data.find((d) => d.name === "points");
  return t ? Array.from(S.pointIndex, (i, k) => [i, t.marker.color[k]]) : [];
}

function stats(S) {
  const s = S.stats;
  return { ...s, decodeMs: s.decodeMs.slice(), hoverMs: s.hoverMs.slice(), mapMs: s.mapMs.slice() };
}

// The view (every field a copy; the functions read the plane when called):
//   channel, drawn, painted, failed, decoder ("wasm" | "js"), count (points), classes, shown (class
//   shown in the legend, per class), area {left, top, w, h}, range {x, y}, dragmode
//   chosen {z1, z2, index|null}, neighbours [index], star, ends {A, B}, decoded {why, z1, z2}
//   link, hover {index, here} (the linked digit ringed), selection {sent, count, t, outlines}
//   replay {state, epoch, times, frames, ms, shown}, thumbnails {shown, want, drawn [[i, x, y, size]],
//   source, inFlight, blocks (the tiles' boxes), fetched (block numbers), idle}, labels [[class, x, y]],
//   contours, lens, map {x, y, n, rows},
//   uncertainty {sigma, samples, draws}, stats {moves, decodes, decodeMs, hoverMs, mapMs, paintMs,
//   paintedAt, drawnAt, relayoutAt, lastClickAt, clicks}
//   toPage(z1, z2) -> page pixels;  colorOf(i) -> point i's CSS colour;  points() -> {z, y} (copies);
//   decode(z1, z2) -> the 784 pixels the plane's decoder makes of a point (a copy);
//   lit() -> the training digits the plot highlights (a selection), sorted
//   colorBy {key, spec {key, name, lo, hi, worse}, range, inRange, worst, offered, note, loaded};
//   drawnColors() -> [[training digit, CSS colour]] of the points trace, in drawing order
function snapshot(ctx) {
  const { S, P, d } = ctx, drawn = !!S.gd, U = S.uncertainty;
  return freeze({
    channel: ctx.channel, drawn, painted: d.plot.dataset.painted === "1", failed: S.failed,
    decoder: ctx.dec.kind, count: P.y.length, classes: ctx.classes.slice(),
    shown: drawn ? visible(ctx) : ctx.classes.map(() => true), ...frame(ctx),
    dragmode: drawn ? S.dragMode || S.gd.layout.dragmode || "pan" : null,
    chosen: copy(S.committed), neighbours: S.neigh.slice(), star: copy(S.star), ends: { A: copy(S.A), B: copy(S.B) },
    decoded: copy(S.decoded), link: S.link, hover: copy(S.hover),
    selection: { sent: copy(S.selectionSent), count: +(d.plot.dataset.selected || 0), t: d.plot.dataset.selectedT || null,
      outlines: drawn ? S.selShapes.length : 0 },
    replay: replay(S), thumbnails: thumbnails(S), labels: copy(S.labels), contours: S.contourSegments,
    lens: S.lensPoints, map: copy(S.mapView), colorBy: colorBy(S),
    uncertainty: U ? { sigma: copy(U.sigma), samples: copy(U.samples), draws: U.draws } : null, stats: stats(S),
    toPage: (z1, z2) => toPage(ctx, z1, z2),
    colorOf: (i) => (Number.isInteger(i) && i >= 0 && i < P.y.length ? colorOf(ctx, i) : null),
    points: () => ({ z: Array.from(P.z), y: Array.from(P.y) }),
    decode: (z1, z2) => Array.from(ctx.dec.decode(+z1, +z2)),
    lit: () => lit(ctx),
    drawnColors: () => drawnColors(S),
  });
}
