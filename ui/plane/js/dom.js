// The DOM: the toolbar (toolbar.js fills it), the body (the stage: map canvas, plot, overlay canvas; and beside
// it the aside: the decoded digit, large, and the coordinates), the rows under the plot (features add
// theirs after the stage's body), the interpolation panel and the message line; and the small helpers that draw digits and save canvases.
// Every data-testid here is read by tests/e2e or bench/: keep them.

export function el(tag, attrs = {}, parent = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  if (parent) parent.appendChild(e);
  return e;
}

// Size canvas c to the plot (device pixels; reallocated only when the size changed) and clear it.
// Returns {g, dpr, W, H} with g's transform reset to device pixels.
export function fitCanvas(c, plot) {
  const r = plot.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
  const W = Math.floor(r.width * dpr), H = Math.floor(r.height * dpr);
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; c.style.width = r.width + "px"; c.style.height = r.height + "px"; }
  const g = c.getContext("2d");
  g.setTransform(1, 0, 0, 1, 0, 0); g.clearRect(0, 0, W, H);
  BLANK.delete(c); // the caller draws on it
  return { g, dpr, W, H };
}

// A layer with nothing to show (switched off, or nothing in view): cleared once, then left alone while the
// plot keeps its size. Clearing a plot-sized canvas again on every pointer move or pan frame would make the
// browser composite the whole layer anew each time, for nothing (the lens listens to every pointer move).
const BLANK = new WeakMap(); // canvas -> the plot size it was cleared at
export function blank(c, plot) {
  const r = plot.getBoundingClientRect(), size = r.width + "x" + r.height;
  if (BLANK.get(c) === size) return;
  fitCanvas(c, plot);
  BLANK.set(c, size);
}

export function paint(ctx, img, x, y) {
  // One decoded 784-vector as a 28 x 28 grey digit (white ink on black, as MNIST) at (x, y).
  const id = ctx.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const v = Math.round(img[p] * 255);
    id.data[4 * p] = id.data[4 * p + 1] = id.data[4 * p + 2] = v;
    id.data[4 * p + 3] = 255;
  }
  ctx.putImageData(id, x, y);
}

export function download(canvas, name) {
  canvas.toBlob((blob) => {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  }, "image/png");
}

export function buildDom(root) {
  root.innerHTML = "";
  const d = {};
  d.toolbar = el("div", { class: "lp-toolbar" }, root); // its groups and controls: toolbar.js
  d.body = el("div", { class: "lp-body" }, root);
  d.stage = el("div", { class: "lp-stage" }, d.body);
  d.aside = el("div", { class: "lp-aside" }, d.body);
  // Until something is decoded the preview is a blank canvas (black on its background): show a hint there instead.
  const slot = el("div", { class: "lp-slot" }, d.aside);
  d.preview = el("canvas", { class: "lp-preview", width: 28, height: 28, "data-testid": "lp-preview", hidden: "" }, slot);
  d.empty = el("div", { class: "lp-empty", "data-testid": "lp-preview-empty", text: "Point at the plane to see a digit here" }, slot);
  const info = el("div", { class: "lp-info" }, d.aside);
  d.coords = el("div", { class: "lp-coords", "data-testid": "lp-coords", text: "Move the pointer over the plane" }, info);
  d.chosen = el("div", { class: "lp-chosen", "data-testid": "lp-chosen" }, info);
  d.link = el("div", { class: "lp-link", "data-testid": "lp-link", hidden: "" }, info);
  d.map = el("canvas", { class: "lp-map", "data-testid": "lp-map" }, d.stage);
  d.plot = el("div", { class: "lp-plot", "data-testid": "lp-plot" }, d.stage);
  d.overlay = el("canvas", { class: "lp-overlay" }, d.stage);
  d.interp = el("div", { class: "lp-interp", hidden: "" }, root);
  const ib = el("div", { class: "lp-bar" }, d.interp);
  d.ends = el("span", { class: "lp-ends", "data-testid": "lp-ends", text: "Click two points: A, then B." }, ib);
  d.setA = el("button", { type: "button", text: "A = chosen point" }, ib);
  d.setB = el("button", { type: "button", text: "B = chosen point" }, ib);
  d.starA = el("button", { type: "button", text: "A = your digit", hidden: "" }, ib);
  const kl = el("label", {}, ib);
  d.k = el("input", { type: "range", min: 5, max: 30, value: 10, "data-testid": "lp-k" }, kl);
  d.kText = el("span", { text: " k = 10" }, kl);
  d.play = el("button", { type: "button", "data-testid": "lp-play", text: "Play" }, ib);
  d.speed = el("select", { "data-testid": "lp-speed" }, ib);
  for (const s of [0.5, 1, 2, 4]) el("option", { value: s, text: s + "×" }, d.speed);
  d.speed.value = "1";
  d.stripPng = el("button", { type: "button", "data-testid": "lp-strip-png", text: "Strip PNG" }, ib);
  const row = el("div", { class: "lp-strip-row" }, d.interp);
  d.anim = el("canvas", { class: "lp-anim", width: 28, height: 28, "data-testid": "lp-anim" }, row);
  d.strip = el("canvas", { class: "lp-strip", height: 28, "data-testid": "lp-strip" }, row);
  d.msg = el("div", { class: "lp-msg", "data-testid": "lp-msg", hidden: "" }, root);
  return d;
}
