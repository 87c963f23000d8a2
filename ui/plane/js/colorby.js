// Feature: Colour by. The points take the colour of a per-digit measure of where the model is wrong
// (model/plane/quality.py: reconstruction error, neighbour agreement, a VAE's σ) on a colour-blind-safe
// scale (viridis) with a colourbar, instead of their label. A histogram of the measure has a brush
// (colorhist.js): digits outside the brushed range are dimmed, here in the browser (no rerun), and the
// count in range is shown. "Worst digits" (worst.js) lists the worst ones in view.
//
// The values come from a file of their own (ui/plane/quality.py), named in the plane's state from Python
// (ctx.state.quality: {url, sha, nbytes, quantities: [{key, name}], note}) and fetched on first use.
// S.colorBy (state.js; the test view reports it): {key ("label" or a quantity), spec {key, name, lo, hi,
// worse}, values (Float32Array, one per training digit), range [a, b] or null, inRange (count), colorOf,
// worst (the gallery's indices), offered, note, panel (the DOM), load (the file's promise), pendingRange
// (a shared link's range, applied once the values are in), own (the file's domain {lo, hi} for this measure;
// spec's lo and hi may be wider: pair.js shares one scale between Compare's planes)}.
// Emits "colorby" with "load" (a measure's values are in) and "range" (the colours changed).
import { el } from "./dom.js";
import { icon } from "./toolbar.js";
import { loadPayload, parsePayload } from "./payload.js";
import { restylePoints } from "./plot.js";
import * as colorhist from "./colorhist.js";
import { DIM, fmt, scaleColor } from "./colorscale.js";
import * as worst from "./worst.js";

export function install(ctx) {
  const ref = ctx.state.quality, C = (ctx.S.colorBy = { key: "label", spec: null, values: null, range: null, inRange: 0,
    colorOf: null, worst: [], offered: [], note: (ref && ref.note) || null, panel: null, load: null, pendingRange: null,
    own: null });
  if (!ref || !ref.quantities || !ref.quantities.length) return;
  C.offered = ref.quantities.map((q) => q.key);
  const l = el("label", { class: "lp-tool lp-select", title: "Colour the points by their label or a quality measure" }, ctx.d.groups.color);
  l.appendChild(icon("color"));
  const sel = el("select", { "data-testid": "lp-colorby", "aria-label": "Colour the points by" }, l);
  el("option", { value: "label", text: "label" }, sel);
  for (const q of ref.quantities) el("option", { value: q.key, text: q.name }, sel);
  const panel = (C.panel = buildPanel(ctx, ref));
  sel.onchange = () => choose(ctx, C, panel, sel.value).catch((e) => { panel.note.hidden = false; panel.note.textContent = "Colour by could not load: " + e.message; });
  ctx.on("relayout", () => worst.update(ctx));
  ctx.on("ready", () => worst.update(ctx));
}

function buildPanel(ctx, ref) {
  const box = el("div", { class: "lp-colorpanel", "data-testid": "lp-colorpanel", hidden: "" });
  ctx.d.body.after(box); // under the plot
  const p = { box, apply: () => apply(ctx) };
  p.note = el("div", { class: "lp-colornote", "data-testid": "lp-quality-note", text: ref.note || "" }, box);
  p.note.hidden = !ref.note;
  p.body = el("div", { class: "lp-colorbody" }, box);
  const bar = el("div", { class: "lp-colorbar" }, p.body);
  p.lo = el("span", { "data-testid": "lp-colorbar-lo" }, bar);
  p.bar = el("canvas", { width: 160, height: 12, "data-testid": "lp-colorbar", role: "img" }, bar);
  p.hi = el("span", { "data-testid": "lp-colorbar-hi" }, bar);
  const g = p.bar.getContext("2d");
  for (let x = 0; x < 160; x++) { g.fillStyle = scaleColor(x / 159, 0, 1); g.fillRect(x, 0, 1, 12); }
  colorhist.build(ctx, p);
  worst.build(ctx, p);
  return p;
}

// Colour the points by `key` ("label": as before), fetching the values the first time.
async function choose(ctx, C, p, key) {
  C.key = key; C.range = null;
  if (key === "label") {
    p.box.hidden = !p.note.textContent; p.body.hidden = true;
    C.colorOf = null; C.spec = null; C.values = null; C.own = null;
    restylePoints(ctx); worst.update(ctx);
    ctx.emit("colorby", "range");
    return;
  }
  const all = await values(ctx, C);
  if (C.key !== key || ctx.disposed) return; // another choice (or another model) came while fetching
  C.spec = { ...all.specs.find((s) => s.key === key) }; C.values = all.values[key];
  C.own = { lo: C.spec.lo, hi: C.spec.hi };
  p.box.hidden = false; p.body.hidden = false;
  labelBar(C, p);
  colorhist.reset(ctx, p, C.pendingRange); // a shared link's range (share.js), else the whole range
  C.pendingRange = null;
  ctx.emit("colorby", "load");
}

function labelBar(C, p) {
  p.lo.textContent = fmt(C.spec.lo); p.hi.textContent = (C.spec.key === "agree" ? "" : "≥ ") + fmt(C.spec.hi);
  p.bar.setAttribute("aria-label", `${C.spec.name}: from ${fmt(C.spec.lo)} (dark purple) to ${fmt(C.spec.hi)} (yellow)`);
}

// The scale's domain [lo, hi] for the measure shown (pair.js: one scale for both of Compare's planes).
export function rescale(ctx, lo, hi) {
  const C = ctx.S.colorBy;
  if (!C.values || (C.spec.lo === lo && C.spec.hi === hi)) return;
  C.spec = { ...C.spec, lo, hi };
  labelBar(C, C.panel);
  colorhist.reset(ctx, C.panel, C.range);
}

// The other plane's brushed range for measure `key` (pair.js): kept, or applied once the values are in.
export function follow(ctx, key, range) {
  const C = ctx.S.colorBy;
  if (!C || C.key !== key) return;
  if (!C.values) C.pendingRange = range;
  else if (JSON.stringify(range) !== JSON.stringify(C.range)) colorhist.reset(ctx, C.panel, range); // a restyle of every point: only for a change
}

// Recolour the points for the current measure and brushed range (also called by colorhist.js).
export function apply(ctx) {
  const C = ctx.S.colorBy, v = C.values, { lo, hi } = C.spec, r = C.range;
  C.colorOf = (i) => (r && (v[i] < r[0] || v[i] > r[1]) ? DIM : scaleColor(v[i], lo, hi));
  let n = 0;
  if (r) for (let i = 0; i < v.length; i++) n += v[i] >= r[0] && v[i] <= r[1];
  C.inRange = r ? n : v.length;
  restylePoints(ctx);
  worst.update(ctx);
  ctx.emit("colorby", "range");
}

// {specs, values: {key: Float32Array}} from the quality file: float16 bits made exact float32s.
function values(ctx, C) {
  if (!C.load) {
    C.load = loadPayload(ctx.state.quality).then((bytes) => {
      const Q = parsePayload(bytes), out = {};
      for (const s of Q.header.quantities) out[s.key] = Float32Array.from(Q.arrays["q_" + s.key], half);
      return { specs: Q.header.quantities, values: out };
    });
    C.load.catch(() => { C.load = null; });
  }
  return C.load;
}

// An IEEE 754 half-precision number's bits -> its value.
function half(h) {
  const e = (h >> 10) & 31, m = h & 1023, s = h >> 15 ? -1 : 1;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
