// The replay's loss curve, along the timeline's scrubber (as wide as it): training loss (solid) and validation
// loss (dashed) per epoch, with a vertical line at the epoch shown and its loss beside it. An SVG stretched
// to the track (strokes keep their width), redrawn only in its marker's position.
import { el } from "./dom.js";

const W = 170, H = 46, NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

export function makeLoss(row, hist) {
  const box = el("span", { class: "lp-replay-loss", title: "loss (solid) and val_loss (dashed) per epoch" }, row);
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", "data-testid": "lp-replay-loss" }, box);
  const vals = [...hist.loss, ...hist.valLoss].filter(Number.isFinite);
  const lo = Math.min(...vals), hi = Math.max(...vals), E = Math.max(hist.epochs, 1);
  const x = (e) => 4 + ((W - 8) * e) / E, y = (v) => H - 4 - ((H - 8) * (v - lo)) / (hi - lo || 1);
  const line = (a, dash) => {
    const pts = Array.from(a, (v, i) => (Number.isFinite(v) ? `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}` : "")).filter(Boolean);
    svg("polyline", { points: pts.join(" "), fill: "none", stroke: "#444", "stroke-width": 1.3, "stroke-dasharray": dash, "vector-effect": "non-scaling-stroke" }, s);
  };
  line(hist.loss, "");
  line(hist.valLoss, "3 2");
  const marker = svg("line", { y1: 2, y2: H - 2, stroke: "#d6006f", "stroke-width": 2, "vector-effect": "non-scaling-stroke", "data-testid": "lp-replay-mark" }, s);
  const tag = el("span", { class: "lp-replay-tag" }, box); // HTML: the stretched SVG would stretch its text
  return { x, marker, tag };
}

export function drawLoss(L, hist, epoch) {
  const px = L.x(epoch).toFixed(1);
  L.marker.setAttribute("x1", px); L.marker.setAttribute("x2", px);
  L.marker.setAttribute("data-epoch", epoch.toFixed(3));
  L.tag.style.left = `min(${((100 * (+px + 3)) / W).toFixed(2)}%, calc(100% - 2.5rem))`;
  const i = Math.min(Math.max(Math.ceil(epoch) - 1, 0), hist.epochs - 1);
  L.tag.textContent = epoch >= 1 && Number.isFinite(hist.loss[i]) ? hist.loss[i].toFixed(3) : "";
}
