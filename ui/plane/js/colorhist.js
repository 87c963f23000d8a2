// Colour by's histogram (colorby.js): BINS bars of the measure over every training digit, across the
// scale's domain (values past its end in the last bar), each in the scale's colour. Dragging across it
// brushes a range, as do the two number boxes; digits outside the range are dimmed on the plane and
// "n of N digits in range" is shown. A brushed range's bounds are rounded to 4 decimals, and the boxes show exactly the
// range used; a brush reaching an end of the histogram (within END_PX) takes the measure's smallest or largest value.
import { el } from "./dom.js";
import { scaleColor } from "./colorscale.js";

const BINS = 40, W = 240, H = 56, END_PX = 4; // a brush within END_PX of an end reaches it

export function build(ctx, p) {
  const row = el("div", { class: "lp-hist-row" }, p.body);
  p.hist = el("canvas", { width: W, height: H, class: "lp-hist", "data-testid": "lp-hist", role: "img" }, row);
  const f = el("div", { class: "lp-brush" }, row);
  const box = (label, id) => el("input", { type: "number", step: "any", "data-testid": id, "aria-label": label, placeholder: label }, f);
  p.from = box("Range from", "lp-brush-lo");
  p.to = box("Range to", "lp-brush-hi");
  p.clear = el("button", { type: "button", "data-testid": "lp-brush-clear", text: "Whole range", title: "Show every digit again" }, f);
  p.count = el("div", { class: "lp-brush-count", "data-testid": "lp-brush-count", "aria-live": "polite" }, f);
  p.from.onchange = p.to.onchange = () => typed(ctx, p);
  p.from.onkeydown = p.to.onkeydown = (e) => { if (e.key === "Enter") typed(ctx, p); };
  p.clear.onclick = () => set(ctx, p, null);
  let start = null;
  p.hist.onpointerdown = (e) => { start = valueAt(ctx, p, e); p.hist.setPointerCapture(e.pointerId); };
  p.hist.onpointermove = (e) => { if (start !== null) draw(ctx, p, [start, valueAt(ctx, p, e)].sort((a, b) => a - b)); };
  p.hist.onpointerup = (e) => {
    if (start === null) return;
    const end = valueAt(ctx, p, e), r = [Math.min(start, end), Math.max(start, end)];
    start = null;
    set(ctx, p, r[0] === r[1] ? null : r);
  };
}

// A new measure: its histogram, and range r (null: the whole range).
export function reset(ctx, p, r = null) {
  const C = ctx.S.colorBy, { lo, hi } = C.spec, counts = new Uint32Array(BINS);
  for (const v of C.values) counts[Math.min(BINS - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * BINS)))]++;
  p.counts = counts;
  p.hist.setAttribute("aria-label", `Histogram of ${C.spec.name}; drag across it to keep a range`);
  set(ctx, p, r);
}

// The measure's value under the pointer; the ends of the histogram give the smallest or largest value.
function valueAt(ctx, p, e) {
  const C = ctx.S.colorBy, r = p.hist.getBoundingClientRect(), x = e.clientX - r.left, t = x / r.width;
  if (x <= END_PX) return Math.floor(min(C.values) * 1e4) / 1e4;
  if (x >= r.width - END_PX) return Math.ceil(max(C.values) * 1e4) / 1e4;
  return Math.round((C.spec.lo + t * (C.spec.hi - C.spec.lo)) * 1e4) / 1e4;
}

function typed(ctx, p) {
  const a = parseFloat(p.from.value), b = parseFloat(p.to.value);
  const lo = Number.isFinite(a) ? a : min(ctx.S.colorBy.values), hi = Number.isFinite(b) ? b : max(ctx.S.colorBy.values);
  set(ctx, p, [Math.min(lo, hi), Math.max(lo, hi)], true);
}

// Keep range r ([a, b] or null: everything), dim the rest and say how many digits are in it; typedIn:
// the boxes hold what the user typed (an empty one stands for that end of the measure).
function set(ctx, p, r, typedIn = false) {
  const C = ctx.S.colorBy;
  C.range = r;
  if (!typedIn) { p.from.value = r ? String(r[0]) : ""; p.to.value = r ? String(r[1]) : ""; } // never under the user's typing
  p.apply();
  const n = C.values.length;
  p.count.textContent = r ? `${C.inRange.toLocaleString("en")} of ${n.toLocaleString("en")} digits in range` : `${n.toLocaleString("en")} digits`;
  p.box.setAttribute("data-in-range", String(C.inRange));
  draw(ctx, p, r);
}

function draw(ctx, p, r) {
  const C = ctx.S.colorBy, { lo, hi } = C.spec, g = p.hist.getContext("2d"), top = Math.max(1, ...p.counts);
  g.clearRect(0, 0, W, H);
  for (let k = 0; k < BINS; k++) {
    const a = lo + (k / BINS) * (hi - lo), b = lo + ((k + 1) / BINS) * (hi - lo), h = Math.ceil((p.counts[k] / top) * (H - 2));
    const inside = !r || (b >= r[0] && a <= r[1]);
    g.fillStyle = inside ? scaleColor((a + b) / 2, lo, hi) : "rgba(160, 160, 160, 0.45)";
    g.fillRect((k * W) / BINS, H - h, W / BINS - 1, h);
  }
}

const min = (v) => v.reduce((a, x) => (x < a ? x : a), Infinity);
const max = (v) => v.reduce((a, x) => (x > a ? x : a), -Infinity);
