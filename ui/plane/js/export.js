// Feature: Export the view as a figure. "Export PNG" saves the plot as shown at twice its size on
// screen, with every layer drawn on it: the decoded map under the points, then the points and axes
// (Plotly.toImage at scale 2), then the canvases over them (density contours, digits, the overlay with
// labels and the chosen point, the lens, the replay), on white. "Export SVG" saves Plotly's own SVG of
// the plot (axes, ticks and legend as vector <text>; WebGL points as an embedded image) inside one
// SVG with the decoded map and the other layers as embedded images, the class labels as <text>, and,
// when the points are coloured by a measure, its colourbar as a vector gradient with <text> ends.
import { el } from "./dom.js";
import { tool } from "./toolbar.js";
import { drawOverlay } from "./overlays.js";
import { PALETTE } from "./palette.js";
import { VIRIDIS, fmt } from "./colorscale.js";

const SCALE = 2, BAR = 44; // the PNG's scale; the SVG's strip under the plot for the colourbar
const NS = "http://www.w3.org/2000/svg";

export function install(ctx) {
  const g = ctx.d.groups.share;
  const png = tool(g, { testid: "lp-export-png", label: "Export PNG", name: "save", text: "PNG", title: "Export PNG: the plane as shown, every layer, at twice the screen's resolution" });
  const svg = tool(g, { testid: "lp-export-svg", label: "Export SVG", name: "save", text: "SVG", title: "Export SVG: axes, legend, labels and colourbar as text" });
  png.onclick = () => exportPng(ctx).catch((e) => report(ctx, e));
  svg.onclick = () => exportSvg(ctx).catch((e) => report(ctx, e));
}

function report(ctx, e) {
  ctx.d.msg.hidden = false;
  ctx.d.msg.textContent = "The export failed: " + (e && e.message ? e.message : e);
}

// The stage's canvases that show now, bottom first, each with its place relative to the plot's div.
function layers(ctx) {
  const r = ctx.d.plot.getBoundingClientRect(), out = [];
  for (const c of ctx.d.stage.querySelectorAll("canvas")) {
    const b = c.getBoundingClientRect(), z = +getComputedStyle(c).zIndex || 0;
    if (c.hidden || !c.width || !b.width || c.classList.contains("lp-firstpaint") || getComputedStyle(c).display === "none") continue;
    out.push({ c, z, x: b.left - r.left, y: b.top - r.top, w: b.width, h: b.height });
  }
  return out.sort((a, b) => a.z - b.z);
}

const size = (ctx) => { const r = ctx.d.plot.getBoundingClientRect(); return { W: Math.round(r.width), H: Math.round(r.height) }; };

async function exportPng(ctx) {
  const { Plotly, gd } = ctx.S, { W, H } = size(ctx);
  // The figure with its WebGL drawn at SCALE too: given the plot itself, toImage would draw the points at the
  // plot's pixel ratio (the screen's, plot.js) and then enlarge them, blurred.
  const fig = { data: gd.data, layout: gd.layout, config: { plotGlPixelRatio: SCALE } };
  const url = await Plotly.toImage(fig, { format: "png", width: W, height: H, scale: SCALE });
  const img = await loaded(url), out = el("canvas", { width: W * SCALE, height: H * SCALE }), g = out.getContext("2d");
  g.fillStyle = "#fff"; g.fillRect(0, 0, out.width, out.height);
  const all = layers(ctx);
  for (const l of all.filter((l) => l.z < 1)) g.drawImage(l.c, l.x * SCALE, l.y * SCALE, l.w * SCALE, l.h * SCALE);
  g.drawImage(img, 0, 0, out.width, out.height);
  for (const l of all.filter((l) => l.z >= 1)) g.drawImage(l.c, l.x * SCALE, l.y * SCALE, l.w * SCALE, l.h * SCALE);
  save(await new Promise((res) => out.toBlob(res, "image/png")), "latent_plane.png");
  ctx.plot.setAttribute("data-exported", "png");
}

async function exportSvg(ctx) {
  const { Plotly, gd } = ctx.S, { W, H } = size(ctx), C = ctx.S.colorBy, bar = C && C.spec ? BAR : 0;
  const plotly = decodeURIComponent((await Plotly.toImage(gd, { format: "svg", width: W, height: H })).replace(/^data:image\/svg\+xml,/, ""));
  const inner = new DOMParser().parseFromString(plotly, "image/svg+xml").documentElement;
  const doc = document.implementation.createDocument(NS, "svg", null), root = doc.documentElement;
  Object.entries({ width: W, height: H + bar, viewBox: `0 0 ${W} ${H + bar}` }).forEach(([k, v]) => root.setAttribute(k, v));
  const add = (tag, attrs, parent = root) => { const e = doc.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); parent.appendChild(e); return e; };
  add("rect", { width: W, height: H + bar, fill: "#fff" });
  const labels = withoutLabels(ctx), all = layers(ctx);
  for (const l of all.filter((l) => l.z < 1)) add("image", { x: l.x, y: l.y, width: l.w, height: l.h, href: l.c.toDataURL("image/png") });
  root.appendChild(doc.importNode(inner, true));
  for (const l of all.filter((l) => l.z >= 1)) add("image", { x: l.x, y: l.y, width: l.w, height: l.h, href: l.c.toDataURL("image/png") });
  restoreLabels(ctx, labels.box);
  for (const [k, x, y] of labels.at) {
    const t = add("text", { x, y, "text-anchor": "middle", "dominant-baseline": "middle", "font-family": "sans-serif", "font-size": 13,
      "font-weight": "bold", fill: PALETTE[k % PALETTE.length], stroke: "#fff", "stroke-width": 3, "paint-order": "stroke", class: "lp-class-label" });
    t.textContent = ctx.classes[k];
  }
  if (bar) colourbar(add, C.spec, H);
  save(new Blob([new XMLSerializer().serializeToString(doc)], { type: "image/svg+xml" }), "latent_plane.svg");
  ctx.plot.setAttribute("data-exported", "svg");
}

// The class labels as drawn ([class, x, y]), and the overlay redrawn without them (they go in as text).
function withoutLabels(ctx) {
  const at = ctx.S.labels.map((l) => l.slice()), box = ctx.root.querySelector('[data-testid="lp-labels-toggle"]');
  if (box && box.checked && at.length) { box.checked = false; drawOverlay(ctx); return { at, box }; }
  return { at: [], box: null };
}

function restoreLabels(ctx, box) {
  if (box) { box.checked = true; drawOverlay(ctx); }
}

function colourbar(add, spec, top) {
  const grad = add("linearGradient", { id: "lp-scale" }, add("defs", {}));
  VIRIDIS.forEach((c, k) => add("stop", { offset: k / (VIRIDIS.length - 1), "stop-color": c }, grad));
  add("rect", { x: 40, y: top + 18, width: 200, height: 12, fill: "url(#lp-scale)", stroke: "#888", "stroke-width": 0.5 });
  const text = (x, anchor, s) => { add("text", { x, y: top + 14, "text-anchor": anchor, "font-family": "sans-serif", "font-size": 11, class: "lp-colourbar-text" }).textContent = s; };
  text(40, "start", fmt(spec.lo)); text(240, "end", (spec.key === "agree" ? "" : "≥ ") + fmt(spec.hi)); text(140, "middle", spec.name);
}

const loaded = (url) => new Promise((res, rej) => { const i = new Image(); i.onload = () => res(i); i.onerror = () => rej(new Error("the plot's image did not load")); i.src = url; });

function save(blob, name) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}
