// Colour by's "Worst digits" (colorby.js): the SHOW training digits in view (and in the brushed range)
// where the model does worst on the chosen measure: highest error or σ, lowest neighbour agreement;
// ties go to the lower index. Each shows its reconstruction (decoded here) and value; a click picks it
// on the plane exactly as a click on its dot does (pointer.js's pick: Python shows its original).
import { el, paint } from "./dom.js";
import { pick } from "./pointer.js";
import { fmt } from "./colorscale.js";
import { area } from "./hit.js";

const SHOW = 12;

export function build(ctx, p) {
  const sec = el("div", { class: "lp-worst-sec" }, p.body);
  p.worstTitle = el("div", { class: "lp-worst-title", text: "Worst digits in view" }, sec);
  p.worst = el("div", { class: "lp-worst", "data-testid": "lp-worst", role: "list" }, sec);
}

// The indices of the worst digits in view, worst first.
export function worstInView(ctx) {
  const { S, P } = ctx, C = S.colorBy, v = C.values, r = C.range;
  if (!v || !S.gd || !S.pointIndex) return [];
  const a = area(ctx), [x0, x1] = a.xa.range.slice().sort((p, q) => p - q), [y0, y1] = a.ya.range.slice().sort((p, q) => p - q);
  const sign = C.spec.worse === "low" ? -1 : 1, top = []; // [badness, index], worst first
  for (const i of S.pointIndex) {
    const x = P.z[2 * i], y = P.z[2 * i + 1];
    if (x < x0 || x > x1 || y < y0 || y > y1 || (r && (v[i] < r[0] || v[i] > r[1]))) continue;
    const b = sign * v[i];
    if (top.length === SHOW && !(b > top[SHOW - 1][0] || (b === top[SHOW - 1][0] && i < top[SHOW - 1][1]))) continue;
    let k = top.length;
    while (k > 0 && (top[k - 1][0] < b || (top[k - 1][0] === b && top[k - 1][1] > i))) k--;
    top.splice(k, 0, [b, i]);
    if (top.length > SHOW) top.pop();
  }
  return top.map((t) => t[1]);
}

export function update(ctx) {
  const C = ctx.S.colorBy, p = C && C.panel;
  if (!p || !C.values) { if (C) C.worst = []; return; }
  const idx = (C.worst = worstInView(ctx)), { P, classes } = ctx;
  p.worst.replaceChildren();
  p.worstTitle.textContent = idx.length ? `Worst digits in view by ${C.spec.name} (reconstructions; click one to pick it)` : "No digits in view";
  const out = new Float32Array(784);
  for (const i of idx) {
    const label = `Training digit #${i}, label ${classes[P.y[i]]}, ${C.spec.name} ${fmt(C.values[i])}: pick it`;
    const b = el("button", { type: "button", class: "lp-worst-item", role: "listitem", "data-index": String(i), "aria-label": label, title: label }, p.worst);
    const c = el("canvas", { width: 28, height: 28, class: "lp-worst-img" }, b);
    ctx.dec.decode(P.z[2 * i], P.z[2 * i + 1], out);
    paint(c.getContext("2d"), out, 0, 0);
    el("span", { text: fmt(C.values[i]) }, b);
    b.onclick = () => pick(ctx, P.z[2 * i], P.z[2 * i + 1], i);
  }
  p.worst.setAttribute("data-indices", idx.join(","));
}
