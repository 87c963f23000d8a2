// The live latent plane (Streamlit Components v2, inline ES module; no build step, no CDN).
//
// data: bytes = "LEPK" + uint32 n + channel (n bytes, padded to 4) + model/net/export_weights.py's payload.
// The channel names this plane; ui/live_plane.py's tiny state component posts the chosen point,
// the uploaded star etc. to window.__lpState[channel] (so the 1.5 MB payload never changes, and a
// rerun re-sends only Streamlit's cached-message reference).
// Linked planes (Compare): planes whose state names the same `link` group tell each other, through a
// window "lp-link" event {link, from: channel, index|null}, which training digit the pointer is over;
// each rings that index (S.hover = {index, here}; the plot's data-hover attribute) with no server call.
// Named exports (parsePayload, makeDecoder) are for the tests; Streamlit uses the default export.

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const PLOTLY_URL = "app/static/plotly.min.js";
const HIT_PX = 7; // a click within this many pixels of a data point picks it
const CLICK_PX = 5; // mousedown -> mouseup further than this is a drag (pan), not a click

export function parsePayload(u8) {
  const buf = u8.slice().buffer; // the websocket view sits at any offset: copy before Float32Array
  const dv = new DataView(buf);
  let base = 0, channel = "";
  if (String.fromCharCode(...new Uint8Array(buf, 0, 4)) === "LEPK") {
    const n = dv.getUint32(4, true);
    channel = new TextDecoder().decode(new Uint8Array(buf, 8, n));
    base = (8 + n + 3) & ~3;
  }
  if (String.fromCharCode(...new Uint8Array(buf, base, 4)) !== "LEP1") throw new Error("not a live-plane payload");
  const n = dv.getUint32(base + 4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, base + 8, n)));
  const data = base + ((8 + n + 3) & ~3);
  const kinds = { float32: Float32Array, uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array };
  const arrays = {};
  for (const s of header.arrays) {
    const T = kinds[s.dtype];
    arrays[s.name] = new T(buf, data + s.offset, s.nbytes / T.BYTES_PER_ELEMENT);
  }
  const layers = header.layers.map((l, i) => ({ ...l, w: arrays["w" + i], b: arrays["b" + i] }));
  return { header, layers, z: arrays.z, y: arrays.y, channel };
}

// ui/dense.wat assembled (240 bytes): y = b + x @ W in 4-wide float32 SIMD. Rebuild after editing it:
//   npm install wabt@1.0.37 && node -e 'require("wabt")().then(w => console.log(Buffer.from(w.parseWat("d",
//     require("fs").readFileSync("ui/dense.wat", "utf8")).toBinary({}).buffer).toString("base64")))'
const DENSE_WASM = "AGFzbQEAAAABCgFgBn9/f39/fwADAgEABQMBAAEHDwIDbWVtAgAFZGVuc2UAAAq/AQG8AQMDfwF9AXsgBSAEQQJ0aiEHIAUhBgJAA0AgBiAHTw0BIAYgAyAGIAVrav0ABAD9CwQAIAZBEGohBgwACwsgACABQQJ0aiEIAkADQCAAIAhPDQEgACoCACEJIAlDAAAAAFwEQCAJ/RMhCiAFIQYCQANAIAYgB08NASAGIAb9AAQAIAogAv0ABAD95gH95AH9CwQAIAZBEGohBiACQRBqIQIMAAsLBSACIARBAnRqIQILIABBBGohAAwACwsL";

export function makeDecoder(layers, { wasm = true } = {}) {
  // The decoder under the pointer: WebAssembly SIMD where the browser has it (about 0.12 ms for the
  // default's 565,000 multiply-adds), else plain JavaScript (about 0.5-1 ms). Both give model/net/fast.py's
  // answer (tests/e2e/test_live_plane_decoder.py). `kind` says which one runs.
  const fast = wasm ? wasmDecoder(layers) : null;
  return fast ? { decode: fast, kind: "wasm" } : { decode: jsDecoder(layers).decode, kind: "js" };
}

// The payload's layers as {n inputs, m outputs, w, b, act} with act one of activate()'s codes.
function denseLayers(layers) {
  const ACT = { relu: 1, sigmoid: 2, silu: 3 };
  return layers.map((l) => ({ n: l.in, m: l.out, w: l.w, b: l.b, act: ACT[l.act] || 0 }));
}

// In place on a[from..to): 1 relu, 2 the sigmoid 0.5 * tanh(x / 2) + 0.5, 3 silu x * sigmoid(x).
function activate(a, from, to, act) {
  if (act === 1) for (let j = from; j < to; j++) { if (a[j] < 0) a[j] = 0; }
  else if (act === 2) for (let j = from; j < to; j++) a[j] = 0.5 * Math.tanh(0.5 * a[j]) + 0.5;
  else if (act === 3) for (let j = from; j < to; j++) a[j] *= 0.5 * Math.tanh(0.5 * a[j]) + 0.5;
}

function wasmDecoder(layers) {
  const L = denseLayers(layers);
  if (typeof WebAssembly !== "object" || !L.every((l) => l.m % 4 === 0)) return null;
  let inst;
  try {
    const bytes = Uint8Array.from(atob(DENSE_WASM), (c) => c.charCodeAt(0));
    inst = new WebAssembly.Instance(new WebAssembly.Module(bytes)); // 240 bytes: synchronous is allowed
  } catch (e) {
    return null; // no WebAssembly SIMD here: the JavaScript decoder
  }
  const mem = inst.exports.mem, dense = inst.exports.dense;
  // Memory: the input (2 floats), two ping-pong activations, then every layer's W and b; 16-byte aligned.
  const widest = Math.max(4, ...L.map((l) => Math.max(l.n, l.m)));
  let need = 16 + 2 * (widest * 4 + 16);
  for (const l of L) need += (l.n * l.m + l.m) * 4 + 32;
  const pages = Math.ceil(need / 65536) - mem.buffer.byteLength / 65536;
  if (pages > 0) mem.grow(pages);
  const f32 = new Float32Array(mem.buffer);
  let at = 0;
  const take = (n) => { const p = at; at += Math.ceil(n / 4) * 16; return p; };
  const xin = take(4), bufs = [take(widest), take(widest)];
  const P = L.map((l) => {
    const w = take(l.n * l.m), b = take(l.m);
    f32.set(l.w, w / 4); f32.set(l.b, b / 4);
    return { w, b };
  });
  return function decode(z1, z2, out) {
    f32[xin / 4] = z1; f32[xin / 4 + 1] = z2;
    let x = xin;
    for (let k = 0; k < L.length; k++) {
      const l = L[k], y = bufs[k % 2], m = l.m, o = y / 4;
      dense(x, l.n, P[k].w, P[k].b, m, y);
      activate(f32, o, o + m, l.act);
      x = y;
    }
    const m = L[L.length - 1].m, res = out || new Float32Array(m);
    res.set(f32.subarray(x / 4, x / 4 + m));
    return res;
  };
}

function jsDecoder(layers) {
  // Dense forward pass as model/net/fast.py: x @ W + b, then activate(). Kernel (in, out)
  // row-major: each input adds its row to the outputs. Sums are kept in Float64Arrays (no float32 rounding at every add). After a relu most
  // inputs are 0 and are skipped one by one; after silu none are, so four input rows are added per
  // pass over the outputs (a quarter of the loads and stores of y; about half the time per decode).
  const L = denseLayers(layers);
  const widest = Math.max(...L.map((l) => l.m));
  const bufs = [new Float64Array(widest), new Float64Array(widest)];
  const x0 = new Float64Array(2);
  function decode(z1, z2, out) {
    x0[0] = z1; x0[1] = z2;
    let x = x0, sparse = true;
    for (let k = 0; k < L.length; k++) {
      const l = L[k], n = l.n, m = l.m, w = l.w, b = l.b, y = bufs[k % 2];
      for (let j = 0; j < m; j++) y[j] = b[j];
      let i = 0;
      if (!sparse) {
        for (; i + 3 < n; i += 4) {
          const a0 = x[i], a1 = x[i + 1], a2 = x[i + 2], a3 = x[i + 3];
          const r0 = i * m, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
          for (let j = 0; j < m; j++) y[j] += a0 * w[r0 + j] + a1 * w[r1 + j] + a2 * w[r2 + j] + a3 * w[r3 + j];
        }
      }
      for (; i < n; i++) {
        const xi = x[i];
        if (xi === 0) continue;
        for (let j = 0, r = i * m; j < m; j++) y[j] += xi * w[r + j];
      }
      activate(y, 0, m, l.act);
      x = y;
      sparse = l.act === 1;
    }
    const o = out || new Float32Array(L[L.length - 1].m);
    for (let j = 0; j < o.length; j++) o[j] = x[j];
    return o;
  }
  return { decode };
}

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__lpPlotly) {
    window.__lpPlotly = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = new URL(PLOTLY_URL, document.baseURI.replace(/[^/]*$/, "")).href;
      s.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
      s.onerror = () => { window.__lpPlotly = null; reject(new Error("plotly.js could not be fetched")); };
      document.head.appendChild(s);
    });
  }
  return window.__lpPlotly;
}

function el(tag, attrs = {}, parent = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  if (parent) parent.appendChild(e);
  return e;
}

function paint(ctx, img, x, y) {
  // One decoded 784-vector as a 28 x 28 grey digit (white ink on black, as MNIST) at (x, y).
  const id = ctx.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const v = Math.round(img[p] * 255);
    id.data[4 * p] = id.data[4 * p + 1] = id.data[4 * p + 2] = v;
    id.data[4 * p + 3] = 255;
  }
  ctx.putImageData(id, x, y);
}

function download(canvas, name) {
  canvas.toBlob((blob) => {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  }, "image/png");
}

function buildDom(root) {
  root.innerHTML = "";
  const d = {};
  const bar = el("div", { class: "lp-bar" }, root);
  // Until something is decoded the preview is a blank canvas (black on its background): show a hint there instead.
  const slot = el("div", { class: "lp-slot" }, bar);
  d.preview = el("canvas", { class: "lp-preview", width: 28, height: 28, "data-testid": "lp-preview", hidden: "" }, slot);
  d.empty = el("div", { class: "lp-empty", "data-testid": "lp-preview-empty", text: "Point at the plane to see a digit here" }, slot);
  const info = el("div", { class: "lp-info" }, bar);
  d.coords = el("div", { class: "lp-coords", "data-testid": "lp-coords", text: "Move the pointer over the plane" }, info);
  d.chosen = el("div", { class: "lp-chosen", "data-testid": "lp-chosen" }, info);
  d.link = el("div", { class: "lp-link", "data-testid": "lp-link", hidden: "" }, info);
  const ctl = el("div", { class: "lp-controls" }, bar);
  const lab = (text, input) => { const l = el("label", {}, ctl); l.appendChild(input); l.append(" " + text); return input; };
  d.mapToggle = lab("Decoded map", el("input", { type: "checkbox", "data-testid": "lp-map-toggle" }));
  d.density = lab("cells", el("input", { type: "range", min: 10, max: 40, value: 20, "data-testid": "lp-density" }));
  d.opacity = lab("points", el("input", { type: "range", min: 0, max: 100, value: 60, "data-testid": "lp-opacity" }));
  d.mapPng = el("button", { type: "button", "data-testid": "lp-map-png", text: "Map PNG" }, ctl);
  d.interpToggle = lab("Interpolate", el("input", { type: "checkbox", "data-testid": "lp-interp-toggle" }));
  d.stage = el("div", { class: "lp-stage" }, root);
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

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  if (!data || !data.byteLength) return;
  const host = parentElement;
  const sig = data.byteLength + ":" + Array.from(data.subarray(data.byteLength - 64)).join(",");
  if (host.__lp && host.__lp.sig === sig) return; // same model: keep the drawn plot
  if (host.__lp) host.__lp.dispose();
  let root = host.querySelector(".lp-root");
  if (!root) root = el("div", { class: "lp-root" }, host);
  const S = { sig, stats: { moves: 0, decodes: 0, decodeMs: [], hoverMs: [], mapMs: [], drawnAt: null, clicks: 0 } };
  host.__lp = S;
  try {
    start(S, root, data, setStateValue, setTriggerValue);
  } catch (e) {
    fail(S, root, setStateValue, e);
  }
}

function fail(S, root, setStateValue, e) {
  const m = root.querySelector(".lp-msg");
  if (m) { m.hidden = false; m.textContent = "The live plane could not start: " + (e && e.message ? e.message : e); }
  S.failed = String(e && e.message ? e.message : e);
  setStateValue("error", S.failed);
}

function start(S, root, data, setStateValue, setTriggerValue) {
  const P = parsePayload(data);
  const dec = makeDecoder(P.layers);
  const d = buildDom(root);
  const channel = P.channel || "live_plane";
  const [[x0, x1], [y0, y1]] = P.header.extent;
  const classes = P.header.classes;
  const out = new Float32Array(784);
  const pctx = d.preview.getContext("2d");
  S.dec = dec; S.P = P; S.d = d;
  S.committed = null; S.neigh = []; S.star = null; S.A = null; S.B = null; S.nextEnd = "A";
  S.link = null; S.hover = null;
  (window.__livePlane = window.__livePlane || {})[channel] = S;

  // Per class: the points' x, y and their global indices (legend toggles hide a class's trace).
  const byClass = classes.map(() => []);
  for (let i = 0; i < P.y.length; i++) byClass[P.y[i]] && byClass[P.y[i]].push(i);
  S.byClass = byClass;
  const traces = byClass.map((idx, k) => {
    const x = new Float32Array(idx.length), y = new Float32Array(idx.length);
    idx.forEach((i, n) => { x[n] = P.z[2 * i]; y[n] = P.z[2 * i + 1]; });
    return { type: "scattergl", mode: "markers", name: classes[k], x, y, hoverinfo: "skip",
      marker: { size: 3, color: PALETTE[k % PALETTE.length], opacity: 0.6 } };
  });

  const decodeAt = (z1, z2, why) => {
    const t = performance.now();
    dec.decode(z1, z2, out);
    paint(pctx, out, 0, 0);
    if (d.preview.hidden) { d.preview.hidden = false; d.empty.hidden = true; }
    S.stats.decodeMs.push(performance.now() - t);
    if (S.stats.decodeMs.length > 2000) S.stats.decodeMs.shift();
    S.stats.decodes++;
    // At rest the preview is the chosen point, which the line below already names: say only what to do.
    d.coords.textContent = why === "Chosen:" ? "Move the pointer over the plane to decode it live"
      : `${why} z1 = ${z1.toFixed(3)}, z2 = ${z2.toFixed(3)}`;
  };
  S.decodeAt = decodeAt;
  const showEmpty = () => { // the hint again: nothing chosen, nothing under the pointer (linked planes)
    if (d.preview.hidden) return;
    d.preview.hidden = true; d.empty.hidden = false;
    d.coords.textContent = "Move the pointer over the plane";
  };
  const emptyText = () => { // a linked plane names a training digit, any other plane decodes any point
    d.empty.textContent = S.link ? "Point at a digit to see it here" : "Point at the plane to see a digit here";
  };

  // The opening range: the state's view (the dense core, or an uploaded digit's neighbourhood), else
  // every point. Plotly's double-click "reset" would return to it, so a double-click autoscales instead.
  const st0 = (window.__lpState || {})[channel];
  const v0 = st0 && st0.view ? st0.view : [[x0, x1], [y0, y1]];
  S.viewKey = st0 && st0.view ? JSON.stringify(st0.view) : null;
  // Equal units on both axes, except in linked planes (Compare): two models' units mean nothing to
  // each other, and side by side the planes should be the same size, so there the view fills a fixed box.
  let linked = !!(st0 && st0.link);
  S.link = linked ? st0.link : null;
  emptyText();
  const aspect = () => (linked ? 0.85 : (v0[1][1] - v0[1][0]) / (v0[0][1] - v0[0][0]));
  const heightFor = (w) => Math.round(Math.min(Math.max((w - 50) * aspect(), 240), 640)) + 80;
  const layout = {
    height: heightFor(d.stage.clientWidth || 600), margin: { l: 40, r: 8, t: 10, b: 36 }, hovermode: false, dragmode: "pan",
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", uirevision: "plane", showlegend: true,
    legend: { orientation: "h", x: 0, y: -0.08, yanchor: "top", itemsizing: "constant", font: { size: 11 } },
    xaxis: { range: v0[0].slice(), constrain: "domain", zeroline: false, title: { text: "z1", standoff: 2 } },
    yaxis: { range: v0[1].slice(), constrain: "domain", zeroline: false, title: { text: "z2", standoff: 2 },
      ...(linked ? {} : { scaleanchor: "x", scaleratio: 1 }) },
  };
  layout.margin.b = 80;
  const config = { scrollZoom: true, displaylogo: false, responsive: true, doubleClick: "autosize",
    modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage", "resetScale2d", "sendDataToCloud"] };

  loadPlotly().then((Plotly) => {
    if (host_gone()) return;
    S.Plotly = Plotly;
    return Plotly.newPlot(d.plot, traces, layout, config).then((gd) => {
      S.gd = gd;
      S.stats.drawnAt = performance.now();
      d.plot.setAttribute("data-drawn", "1");
      wire(Plotly, gd);
    });
  }).catch((e) => fail(S, root, setStateValue, e));

  function host_gone() { return !root.isConnected; }

  // ---- geometry --------------------------------------------------------------------------------
  function area() {
    const fl = S.gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis;
    return { xa, ya, left: xa._offset, top: ya._offset, w: xa._length, h: ya._length };
  }
  function toData(clientX, clientY) {
    const r = d.plot.getBoundingClientRect(), a = area();
    const px = clientX - r.left - a.left, py = clientY - r.top - a.top;
    if (px < 0 || py < 0 || px > a.w || py > a.h) return null;
    return [a.xa.p2l(px), a.ya.p2l(py)];
  }
  const toPx = (a, z1, z2) => [a.left + a.xa.l2p(z1), a.top + a.ya.l2p(z2)];

  function visible() {
    return S.gd._fullData.slice(0, classes.length).map((t) => t.visible === true);
  }
  function nearestPoint(z1, z2, radius) {
    const vis = visible();
    let best = -1, bd = radius * radius;
    for (let i = 0; i < P.y.length; i++) {
      if (!vis[P.y[i]]) continue;
      const dx = P.z[2 * i] - z1, dy = P.z[2 * i + 1] - z2, dd = dx * dx + dy * dy;
      if (dd < bd) { bd = dd; best = i; }
    }
    return best;
  }
  function neighbours(z1, z2, skip, k = 8) {
    const best = []; // [dist, index], kept sorted, at most k
    for (let i = 0; i < P.y.length; i++) {
      if (i === skip) continue;
      const dx = P.z[2 * i] - z1, dy = P.z[2 * i + 1] - z2, dd = dx * dx + dy * dy;
      if (best.length < k || dd < best[best.length - 1][0]) {
        best.push([dd, i]); best.sort((a, b) => a[0] - b[0]); if (best.length > k) best.pop();
      }
    }
    return best.map((b) => b[1]);
  }
  S.neighbours = neighbours;

  // ---- overlay: chosen point, neighbours, star, interpolation path -------------------------------
  function drawOverlay() {
    if (!S.gd) return;
    const r = d.plot.getBoundingClientRect(), dpr = window.devicePixelRatio || 1, c = d.overlay;
    const W = Math.floor(r.width * dpr), H = Math.floor(r.height * dpr);
    if (c.width !== W || c.height !== H) { // resizing reallocates the canvas: only when the plot's size changed
      c.width = W; c.height = H; c.style.width = r.width + "px"; c.style.height = r.height + "px";
    }
    const g = c.getContext("2d"), a = area();
    g.setTransform(1, 0, 0, 1, 0, 0); g.clearRect(0, 0, W, H); g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
    for (const i of S.neigh) {
      const [x, y] = toPx(a, P.z[2 * i], P.z[2 * i + 1]);
      g.beginPath(); g.arc(x, y, 6, 0, 2 * Math.PI); g.lineWidth = 3; g.strokeStyle = "white"; g.stroke();
      g.lineWidth = 1.5; g.strokeStyle = "black"; g.stroke();
    }
    if (S.A && S.B) {
      const [ax, ay] = toPx(a, ...S.A), [bx, by] = toPx(a, ...S.B);
      g.beginPath(); g.moveTo(ax, ay); g.lineTo(bx, by); g.lineWidth = 2; g.strokeStyle = "black"; g.setLineDash([6, 4]); g.stroke();
      g.setLineDash([]);
      const k = +d.k.value;
      for (let s = 0; s < k; s++) {
        const t = k === 1 ? 0 : s / (k - 1);
        g.beginPath(); g.arc(ax + t * (bx - ax), ay + t * (by - ay), 2.5, 0, 2 * Math.PI); g.fillStyle = "black"; g.fill();
      }
    }
    for (const [end, name] of [[S.A, "A"], [S.B, "B"]]) {
      if (!end) continue;
      const [x, y] = toPx(a, ...end);
      g.font = "bold 13px sans-serif"; g.lineWidth = 3; g.strokeStyle = "white"; g.strokeText(name, x + 6, y - 6);
      g.fillStyle = "black"; g.fillText(name, x + 6, y - 6);
    }
    if (S.star) star(g, ...toPx(a, ...S.star));
    if (S.committed) cross(g, ...toPx(a, S.committed.z1, S.committed.z2));
    if (S.hover) ring(g, a, S.hover.index);
    g.restore();
  }
  function ring(g, a, i) {
    // The linked digit: a thick magenta ring and its index, outlined in white to read on any colour.
    const [x, y] = toPx(a, P.z[2 * i], P.z[2 * i + 1]);
    g.beginPath(); g.arc(x, y, 10, 0, 2 * Math.PI);
    g.lineWidth = 5; g.strokeStyle = "white"; g.stroke(); g.lineWidth = 2.5; g.strokeStyle = "#d6006f"; g.stroke();
    g.font = "bold 12px sans-serif"; g.lineWidth = 3; g.strokeStyle = "white"; g.strokeText("#" + i, x + 12, y - 10);
    g.fillStyle = "#d6006f"; g.fillText("#" + i, x + 12, y - 10);
  }
  function cross(g, x, y) {
    g.lineCap = "round";
    for (const [w, col] of [[6, "white"], [3, "black"]]) {
      g.beginPath(); g.moveTo(x - 7, y - 7); g.lineTo(x + 7, y + 7); g.moveTo(x + 7, y - 7); g.lineTo(x - 7, y + 7);
      g.lineWidth = w; g.strokeStyle = col; g.stroke();
    }
  }
  function star(g, x, y) {
    g.beginPath();
    for (let i = 0; i < 10; i++) {
      const rr = i % 2 ? 6 : 14, t = -Math.PI / 2 + (i * Math.PI) / 5;
      g.lineTo(x + rr * Math.cos(t), y + rr * Math.sin(t));
    }
    g.closePath(); g.fillStyle = "black"; g.fill(); g.lineWidth = 2; g.strokeStyle = "white"; g.stroke();
  }
  S.drawOverlay = drawOverlay;

  // ---- decoded map behind the points -------------------------------------------------------------
  const off = document.createElement("canvas");
  S.mapView = null; // the data ranges `off` was decoded for
  function computeMap() {
    const t = performance.now(), a = area();
    const n = +d.density.value, rows = Math.max(1, Math.round((n * a.h) / a.w));
    off.width = n * 28; off.height = rows * 28;
    const g = off.getContext("2d"), img = new Float32Array(784);
    const [vx0, vx1] = a.xa.range, [vy0, vy1] = a.ya.range;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < n; c++) {
        const z1 = vx0 + ((c + 0.5) / n) * (vx1 - vx0), z2 = vy1 - ((r + 0.5) / rows) * (vy1 - vy0);
        dec.decode(z1, z2, img);
        paint(g, img, c * 28, r * 28);
      }
    }
    S.mapView = { x: [vx0, vx1], y: [vy0, vy1], n, rows };
    drawMap();
    S.stats.mapMs.push(performance.now() - t);
    d.map.setAttribute("data-painted", String(S.stats.mapMs.length));
  }
  function drawMap() {
    const r = d.plot.getBoundingClientRect(), dpr = window.devicePixelRatio || 1, c = d.map;
    c.width = r.width * dpr; c.height = r.height * dpr; c.style.width = r.width + "px"; c.style.height = r.height + "px";
    if (!d.mapToggle.checked || !S.mapView) return;
    const g = c.getContext("2d"), a = area(), v = S.mapView;
    g.scale(dpr, dpr); g.imageSmoothingEnabled = false;
    g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
    const [px0, py0] = toPx(a, v.x[0], v.y[1]), [px1, py1] = toPx(a, v.x[1], v.y[0]); // follows a pan mid-drag
    g.drawImage(off, px0, py0, px1 - px0, py1 - py0);
    g.restore();
  }
  S.computeMap = computeMap;

  // ---- interpolation -----------------------------------------------------------------------------
  let frame = 0, playing = null;
  function strip() {
    const k = +d.k.value;
    d.kText.textContent = " k = " + k;
    d.ends.textContent = `A ${S.A ? `(${S.A[0].toFixed(2)}, ${S.A[1].toFixed(2)})` : "?"} → B ${S.B ? `(${S.B[0].toFixed(2)}, ${S.B[1].toFixed(2)})` : "?"}`;
    if (!(S.A && S.B)) { d.strip.width = 0; d.strip.setAttribute("data-k", "0"); drawOverlay(); return; }
    d.strip.width = 28 * k;
    const g = d.strip.getContext("2d"), img = new Float32Array(784);
    for (let s = 0; s < k; s++) {
      const t = k === 1 ? 0 : s / (k - 1);
      dec.decode(S.A[0] + t * (S.B[0] - S.A[0]), S.A[1] + t * (S.B[1] - S.A[1]), img);
      paint(g, img, 28 * s, 0);
    }
    d.strip.style.width = 28 * k * 2 + "px";
    d.strip.setAttribute("data-k", String(k));
    frame = 0; drawFrame(); drawOverlay();
    setStateValue("interp", { a: S.A, b: S.B, k });
  }
  function drawFrame() {
    if (!(S.A && S.B)) return;
    const k = +d.k.value, s = frame % k;
    d.anim.getContext("2d").drawImage(d.strip, 28 * s, 0, 28, 28, 0, 0, 28, 28);
  }
  function setEnd(which, z) {
    S[which] = [z[0], z[1]];
    S.nextEnd = which === "A" ? "B" : "A";
    strip();
  }
  S.setEnd = setEnd;
  d.k.addEventListener("input", strip);
  d.setA.onclick = () => S.committed && setEnd("A", [S.committed.z1, S.committed.z2]);
  d.setB.onclick = () => S.committed && setEnd("B", [S.committed.z1, S.committed.z2]);
  d.starA.onclick = () => S.star && setEnd("A", S.star);
  d.stripPng.onclick = () => S.A && S.B && download(d.strip, "interpolation.png");
  d.play.onclick = () => {
    if (playing) { clearInterval(playing); playing = null; d.play.textContent = "Play"; return; }
    d.play.textContent = "Pause";
    const tick = () => { frame++; drawFrame(); };
    playing = setInterval(tick, 150 / +d.speed.value);
  };
  d.speed.onchange = () => { if (playing) { d.play.onclick(); d.play.onclick(); } };
  d.interpToggle.onchange = () => { d.interp.hidden = !d.interpToggle.checked; if (!d.interpToggle.checked) { S.A = S.B = null; } strip(); };

  // ---- state from Python (the chosen point from sliders / search / URL, the uploaded star) -------
  function applyState(st) {
    if (!st) return;
    S.link = st.link || null;
    if (!!S.link !== linked && S.gd && S.Plotly) { // the state came after the plot was drawn: relayout once
      linked = !!S.link;
      S.Plotly.relayout(S.gd, { height: heightFor(d.stage.clientWidth || 600),
        "yaxis.scaleanchor": linked ? null : "x", "yaxis.scaleratio": linked ? null : 1 });
    }
    d.link.hidden = !S.link; // always there in a linked plane, so the plot never jumps when a digit is named
    emptyText();
    S.star = st.star || null;
    const vk = st.view ? JSON.stringify(st.view) : null;
    if (vk && vk !== S.viewKey && S.gd && S.Plotly) { // a new view (another uploaded digit): zoom to it
      S.viewKey = vk;
      S.Plotly.relayout(S.gd, { "xaxis.range": st.view[0].slice(), "yaxis.range": st.view[1].slice() });
    }
    d.starA.hidden = !S.star;
    const m = st.marker;
    if (m && (!S.committed || Math.abs(S.committed.z1 - m[0]) > 1e-6 || Math.abs(S.committed.z2 - m[1]) > 1e-6 || S.committed.index !== (st.index ?? null))) {
      commitLocal(m[0], m[1], st.index ?? null);
      decodeAt(m[0], m[1], "Chosen:");
    } else if (!m && S.committed) {
      S.committed = null; S.neigh = [];
    }
    drawOverlay();
  }
  function commitLocal(z1, z2, index) {
    S.committed = { z1, z2, index };
    S.neigh = neighbours(z1, z2, index ?? -1);
    d.chosen.textContent = `Chosen: z1 = ${z1.toFixed(3)}, z2 = ${z2.toFixed(3)}` + (index !== null ? `, training digit #${index} (label ${classes[P.y[index]]})` : "");
  }
  const onState = (e) => { if (e.detail && e.detail.channel === channel && S.gd) applyState(e.detail); };
  window.addEventListener("lp-state", onState);

  // ---- linked planes: the digit under the pointer, here or in another plane of the group ---------
  function showHover(index, here) {
    S.hover = index === null ? null : { index, here };
    d.plot.setAttribute("data-hover", index === null ? "" : String(index));
    if (index === null) {
      d.link.textContent = "";
      if (!here && S.committed) decodeAt(S.committed.z1, S.committed.z2, "Chosen:");
      else if (!here) showEmpty();
    } else {
      const z1 = P.z[2 * index], z2 = P.z[2 * index + 1], a = area();
      const shown = z1 >= Math.min(...a.xa.range) && z1 <= Math.max(...a.xa.range) && z2 >= Math.min(...a.ya.range) && z2 <= Math.max(...a.ya.range);
      d.link.textContent = `Training digit #${index} (label ${classes[P.y[index]]})` +
        (here ? "" : ", under the pointer in the other plane") + (shown ? "" : "; outside this view");
      if (!here) decodeAt(z1, z2, `Digit #${index} here:`); // what this model makes of it
    }
    drawOverlay();
  }
  function hoverAt(z) {
    // The training digit a click at z would pick (or none); the group hears of every change.
    if (!S.link || !S.gd) return;
    let index = null;
    if (z) {
      const t = performance.now(), a = area();
      const hit = nearestPoint(z[0], z[1], (HIT_PX * (a.xa.range[1] - a.xa.range[0])) / a.w);
      index = hit >= 0 ? hit : null;
      S.stats.hoverMs.push(performance.now() - t);
      if (S.stats.hoverMs.length > 2000) S.stats.hoverMs.shift();
    }
    const mine = S.hover && S.hover.here;
    if (index === null ? !mine : mine && S.hover.index === index) return;
    showHover(index, true);
    window.dispatchEvent(new CustomEvent("lp-link", { detail: { link: S.link, from: channel, index } }));
  }
  const onLink = (e) => {
    if (host_gone()) return dispose();
    const m = e.detail;
    if (!m || !S.link || m.link !== S.link || m.from === channel || !S.gd) return;
    const index = Number.isInteger(m.index) && m.index < P.y.length ? m.index : null;
    if (index === null && (!S.hover || S.hover.here)) return; // nothing of theirs shown here
    showHover(index, false);
  };
  window.addEventListener("lp-link", onLink);
  const onLeave = () => hoverAt(null); // the pointer left the window: no mousemove will clear the rings
  document.documentElement.addEventListener("mouseleave", onLeave);

  // ---- pointer: decode under it; a short press commits ------------------------------------------
  let down = null;
  const onMove = (e) => {
    if (host_gone()) return dispose();
    if (!S.gd) return;
    S.stats.moves++;
    const z = toData(e.clientX, e.clientY);
    if (z) decodeAt(z[0], z[1], "Pointer:");
    hoverAt(z);
    if (!z && S.link && !S.committed && !S.hover) showEmpty(); // off a linked plane, nothing to show here
  };
  const onDown = (e) => {
    if (!S.gd || (e.button !== undefined && e.button !== 0)) return;
    if (e.target.closest && (e.target.closest(".modebar") || e.target.closest(".legend"))) return;
    const z = toData(e.clientX, e.clientY);
    down = z ? { x: e.clientX, y: e.clientY } : null;
    if (z && e.pointerType && e.pointerType !== "mouse") decodeAt(z[0], z[1], "Pointer:"); // a tap shows its digit
  };
  const onUp = (e) => {
    if (!down || !S.gd) return;
    const far = Math.hypot(e.clientX - down.x, e.clientY - down.y) > CLICK_PX;
    down = null;
    const z = toData(e.clientX, e.clientY);
    if (far || !z) return;
    const a = area(), perPx = (a.xa.range[1] - a.xa.range[0]) / a.w;
    const hit = nearestPoint(z[0], z[1], HIT_PX * perPx);
    const [z1, z2] = hit >= 0 ? [P.z[2 * hit], P.z[2 * hit + 1]] : z;
    const index = hit >= 0 ? hit : null;
    if (S.link && index === null) return; // linked planes pair training digits: empty space picks nothing
    hoverAt(z); // a tap (no hover before it) marks the digit in the group's other planes at once
    commitLocal(z1, z2, index);
    decodeAt(z1, z2, "Chosen:");
    if (d.interpToggle.checked) setEnd(S.nextEnd, [z1, z2]);
    drawOverlay();
    S.stats.clicks++;
    S.lastClickAt = performance.now();
    setTriggerValue("click", { z1, z2, index, t: Date.now() });
  };
  document.addEventListener("mousemove", onMove, { capture: true, passive: true });
  document.addEventListener("pointerdown", onDown, { capture: true, passive: true });
  document.addEventListener("pointerup", onUp, { capture: true, passive: true });
  function dispose() {
    document.removeEventListener("mousemove", onMove, { capture: true });
    document.removeEventListener("pointerdown", onDown, { capture: true });
    document.removeEventListener("pointerup", onUp, { capture: true });
    window.removeEventListener("lp-state", onState);
    window.removeEventListener("lp-link", onLink);
    document.documentElement.removeEventListener("mouseleave", onLeave);
    if (playing) clearInterval(playing);
    if (S.ro) S.ro.disconnect();
    if (S.gd && S.Plotly) S.Plotly.purge(S.gd);
  }
  S.dispose = dispose;

  // ---- Plotly events -----------------------------------------------------------------------------
  function wire(Plotly, gd) {
    gd.on("plotly_relayouting", () => { drawMap(); drawOverlay(); });
    gd.on("plotly_relayout", () => {
      S.relayoutAt = performance.now();
      if (d.mapToggle.checked) computeMap(); else drawMap();
      drawOverlay();
    });
    gd.on("plotly_afterplot", () => { drawMap(); drawOverlay(); });
    d.mapToggle.onchange = () => { if (d.mapToggle.checked) computeMap(); else drawMap(); };
    d.density.onchange = () => d.mapToggle.checked && computeMap();
    d.opacity.oninput = () => Plotly.restyle(gd, { "marker.opacity": +d.opacity.value / 100 }, classes.map((_, k) => k));
    d.mapPng.onclick = () => { if (!S.mapView) computeMap(); download(off, "latent_map.png"); };
    S.ro = new ResizeObserver(() => {
      const w = d.stage.clientWidth;
      if (w && Math.abs(w - (S.lastW || 0)) > 2) { S.lastW = w; Plotly.relayout(gd, { height: heightFor(w) }); }
    });
    S.ro.observe(d.stage);
    applyState((window.__lpState || {})[channel]);
  }
}
