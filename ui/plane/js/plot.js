// The Plotly plot: preloading and loading plotly.js (its gl2d partial bundle, served by the app, no CDN; it runs only after
// firstpaint.js's picture has shown), the traces, the opening view, the layout and its size (plotArea:
// where the points will be, for firstpaint.js), and the plot's events, which it passes on as
// "relayouting" / "relayout" / "afterplot" / "ready".
import { drawOverlay } from "./overlays.js";
import { el } from "./dom.js";
import { fail } from "./state.js";
import { loseGL } from "./gl.js";
import { PALETTE } from "./palette.js";

const PLOTLY_URL = "app/static/plotly-gl2d-4.1.1.min.js"; // = ui/plane/publish.py URL (a test checks)
export const MARGIN = { l: 40, r: 8, t: 10, b: 80 }; // the plot's margins (b: at least; the legend is in it)
export const POINT_SIZE = 3; // the points' diameter in CSS pixels

// Fetch plotly.js now without running it (a preload; the <script> tag reuses the download), so it
// arrives while the payload does, and its evaluation (most of a second) waits for loadPlotly().
export function preloadPlotly() {
  if (window.Plotly || loading || document.querySelector("link[data-lp-plotly]")) return;
  el("link", { rel: "preload", as: "script", href: plotlyUrl(), "data-lp-plotly": "" }, document.head);
}

const plotlyUrl = () => new URL(PLOTLY_URL, document.baseURI.replace(/[^/]*$/, "")).href;

// plotly.js's <script> on its way (a Promise of window.Plotly), shared by every plane of the page
let loading = null;

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = plotlyUrl();
      s.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
      s.onerror = () => { loading = null; reject(new Error("plotly.js could not be fetched")); };
      document.head.appendChild(s);
    });
  }
  return loading;
}

// Resolves once the page has had a frame to show what is drawn now (firstpaint.js's canvas), so
// plotly.js's evaluation cannot hold that paint back; in a hidden tab (no frames) after 100 ms.
const afterPaint = () => new Promise((r) => { requestAnimationFrame(() => setTimeout(r, 0)); setTimeout(r, 100); });

// Fair colours: one trace holds every point, in a fixed shuffled order (S.order[k] is the training
// digit drawn k-th), so no class paints over another because of trace order; the per-class traces before
// it have no points and only make the legend (a legend click hides a class: showClasses).
function makeTraces(ctx) {
  const { S, P, classes } = ctx;
  const legend = classes.map((name, k) => ({ type: "scattergl", mode: "markers", name, x: [null], y: [null],
    hoverinfo: "skip", marker: { size: POINT_SIZE, color: PALETTE[k % PALETTE.length], opacity: 0.6 } }));
  return [...legend, { type: "scattergl", mode: "markers", name: "points", showlegend: false, hoverinfo: "skip",
    ...points(ctx, classes.map(() => true)), marker: { size: POINT_SIZE, color: S.pointColors, opacity: 0.6 } }];
}

// The points trace's x, y (and S.pointColors) for the shown classes, in S.order. S.pointIndex[k] is
// the training digit of the trace's point k (what Plotly's events call pointNumber k of trace n).
function points(ctx, shown) {
  const { S, P } = ctx, keep = Array.from(drawOrder(ctx)).filter((i) => shown[P.y[i]]);
  S.pointIndex = Uint32Array.from(keep);
  S.pointColors = keep.map((i) => colorOf(ctx, i));
  return { x: Float32Array.from(keep, (i) => P.z[2 * i]), y: Float32Array.from(keep, (i) => P.z[2 * i + 1]) };
}

// The colour training digit i is drawn in: its class's, or Colour by's (colorby.js sets S.colorBy.colorOf).
export const colorOf = (ctx, i) => {
  const C = ctx.S.colorBy;
  return C && C.colorOf ? C.colorOf(i) : PALETTE[ctx.P.y[i] % PALETTE.length];
};

// Redraw the points' positions and colours (a class shown or hidden, or another colouring: colorby.js).
export function restylePoints(ctx) {
  if (ctx.S.gd) showClasses(ctx, ctx.S.Plotly, ctx.S.gd);
}

function showClasses(ctx, Plotly, gd) {
  const n = ctx.classes.length, p = points(ctx, gd._fullData.slice(0, n).map((t) => t.visible === true));
  Plotly.restyle(gd, { x: [p.x], y: [p.y], "marker.color": [ctx.S.pointColors] }, [n]);
}

// The order the points are drawn in (S.order), made once per plane.
export const drawOrder = (ctx) => ctx.S.order || (ctx.S.order = shuffled(ctx.P.y.length));

// 0 .. n-1 in a fixed pseudo-random order (the same on every load, so screenshots repeat).
function shuffled(n) {
  const a = Uint32Array.from({ length: n }, (_, i) => i);
  let s = 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5; // xorshift32
    const j = (s >>> 0) % (i + 1), t = a[i]; a[i] = a[j]; a[j] = t;
  }
  return a;
}

// The opening range: the state's view (the dense core, or an uploaded digit's neighbourhood), else
// every point. Plotly's double-click "reset" would return to it, so a double-click autoscales instead.
// Equal units on both axes, except in linked planes (Compare): two models' units mean nothing to
// each other, and side by side the planes should be the same size, so there the view fills a fixed box.
export function openingView(ctx) {
  const S = ctx.S, [[x0, x1], [y0, y1]] = ctx.P.header.extent;
  const st0 = ctx.state; // this render's state from Python: it came with the payload's reference
  ctx.view0 = st0 && st0.view ? st0.view : [[x0, x1], [y0, y1]];
  S.viewKey = st0 && st0.view ? JSON.stringify(st0.view) : null;
  S.linked = !!(st0 && st0.link);
  S.link = S.linked ? st0.link : null;
}

// The plot's size for a plot W pixels wide: its height H (the stage's, which plane.css sizes to the
// window, not to the data); its right margin r (room for the decoded digit beside the plot on a wide
// plane, dom.js's aside); its bottom margin b, room for the legend LEGEND_GAP pixels under the plot area
// in as many rows as Plotly will wrap it into, plus the 8 px Plotly pads it with (so Plotly never widens
// the margin itself, which would move the points from where firstpaint.js drew them); and the legend's
// y (paper units: negative, under the plot area).
const LEGEND_GAP = 24, LEGEND_FONT = 11, LEGEND_PAD = Math.min(12, ...Object.values(MARGIN));
export const ASIDE_W = 132, WIDE = 640; // the aside's width beside a plot at least WIDE pixels wide (plane.css agrees)
function sizeFor(ctx, W) {
  const r = W >= WIDE ? ASIDE_W : MARGIN.r;
  const b = Math.max(MARGIN.b, LEGEND_GAP + legendHeight(ctx.classes, W - MARGIN.l - r) + LEGEND_PAD);
  const H = Math.max(ctx.d.stage.clientHeight || 0, 240 + b);
  return { H, b, r, legendY: -LEGEND_GAP / (H - MARGIN.t - b) };
}

export function sizeLayout(ctx, W) {
  const s = sizeFor(ctx, W);
  // The width too: a relayout that sets the height turns Plotly's autosize off, so the plot would
  // keep the width it opened with when the window is resized.
  return { width: W, height: s.H, "margin.b": s.b, "margin.r": s.r, "legend.y": s.legendY };
}

// The height of a horizontal legend of these names in maxW pixels, laid out as Plotly does: items of
// 40 px plus the name, 5 px apart, on one row if all fit, else in rows of items as wide as the widest.
function legendHeight(names, maxW) {
  const g = (legendHeight.g = legendHeight.g || document.createElement("canvas").getContext("2d"));
  g.font = `${LEGEND_FONT}px "Open Sans", verdana, arial, sans-serif`; // Plotly's default font
  const w = names.map((n) => 40 + g.measureText(n).width), gap = 5, rowH = Math.max(LEGEND_FONT * 1.3, 16) + 3;
  let rows = 1;
  if (w.reduce((a, x) => a + x, 0) + (w.length - 1) * gap >= maxW) {
    const each = Math.max(...w) + gap;
    for (let k = 0, q = 0; k < w.length; k++, q += each) if (q > 0 && each + q - gap >= maxW) { rows++; q = 0; }
  }
  return Math.ceil(rows * rowH + 10);
}

function makeLayout(ctx) {
  const linked = ctx.S.linked, W = ctx.d.stage.clientWidth || 600, size = sizeFor(ctx, W), view = plotArea(ctx, W).view;
  const layout = {
    height: size.H, margin: { ...MARGIN, b: size.b, r: size.r }, hovermode: false, dragmode: "pan",
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", uirevision: "plane", showlegend: true,
    legend: { orientation: "h", x: 0, y: size.legendY, yanchor: "top", itemsizing: "constant", font: { size: LEGEND_FONT } },
    xaxis: { range: view[0].slice(), constrain: "range", zeroline: false, title: { text: "z1", standoff: 2 } },
    yaxis: { range: view[1].slice(), constrain: "range", zeroline: false, title: { text: "z2", standoff: 2 },
      ...(linked ? {} : { scaleanchor: "x", scaleratio: 1 }) },
  };
  return layout;
}

// plotGlPixelRatio: the screen's own pixel ratio (1 on most desktop screens, 2 or 3 on a phone), not
// Plotly's default of 2, which draws WebGL at twice a desktop screen's resolution in each direction: four
// times the pixels to clear, fill and composite on every frame, for points 3 px wide that WebGL's
// antialiasing already smooths. (The PNG export draws its WebGL at its own scale: export.js.)
const makeConfig = () => ({ scrollZoom: true, displaylogo: false, responsive: true, doubleClick: "autosize",
  plotGlPixelRatio: Math.min(Math.max(window.devicePixelRatio || 1, 1), 4),
  modeBarButtonsToRemove: ["toImage", "resetScale2d", "sendDataToCloud", "select2d", "lasso2d"] }); // selection.js selects

// The plot area (CSS pixels in the plot's div) Plotly will draw for a plot `W` pixels wide: its
// height H, the axes' box {left, top, w, h} (the whole box between the margins) and the view shown
// in it: the opening view widened about its centre along one axis so both have equal units (as
// Plotly's constrain: "range" does; linked planes keep theirs). firstpaint.js draws into it.
export function plotArea(ctx, W) {
  const { H, b, r } = sizeFor(ctx, W), left = MARGIN.l, top = MARGIN.t, w = W - MARGIN.l - r, h = H - MARGIN.t - b;
  return { W, H, left, top, w, h, view: ctx.S.linked ? ctx.view0 : equalUnits(ctx.view0, w, h) };
}

// [[x0, x1], [y0, y1]] widened about its centre so that a w x h pixel box shows both at one scale.
export function equalUnits([[x0, x1], [y0, y1]], w, h) {
  const k = Math.max((x1 - x0) / w, (y1 - y0) / h), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return [[cx - (k * w) / 2, cx + (k * w) / 2], [cy - (k * h) / 2, cy + (k * h) / 2]];
}

// Draw the plot (asynchronously: plotly.js runs after the first paint has shown), then wire it and
// emit "ready".
export function drawPlot(ctx) {
  const { S, d } = ctx, traces = makeTraces(ctx), layout = makeLayout(ctx), config = makeConfig();
  // The size this layout is for: the size follower's first report (a ResizeObserver reports on
  // observe) then matches it and lays nothing out again, which would draw every point a second time.
  if (d.stage.clientWidth) S.lastW = d.stage.clientWidth * 100000 + d.stage.clientHeight;
  afterPaint().then(loadPlotly).then((Plotly) => {
    if (ctx.disposed) return; // the plane went away while plotly.js loaded
    S.Plotly = Plotly;
    return Plotly.newPlot(d.plot, traces, layout, config).then((gd) => {
      if (ctx.disposed) return loseGL(Plotly, gd); // it went away while Plotly drew
      S.gd = gd;
      S.stats.drawnAt = performance.now();
      d.plot.setAttribute("data-drawn", "1");
      wire(ctx, Plotly, gd);
    });
  }).catch((e) => { if (!ctx.disposed) fail(S, ctx.root, ctx.setState, e); });
}

function wire(ctx, Plotly, gd) {
  const { S, d } = ctx;
  gd.on("plotly_relayouting", () => { ctx.emit("relayouting"); drawOverlay(ctx); });
  gd.on("plotly_relayout", () => {
    S.stats.relayoutAt = performance.now();
    ctx.emit("relayout");
    drawOverlay(ctx);
  });
  gd.on("plotly_afterplot", () => { ctx.emit("afterplot"); drawOverlay(ctx); });
  d.opacity.oninput = () => Plotly.restyle(gd, { "marker.opacity": +d.opacity.value / 100 }, gd.data.map((_, k) => k));
  d.pointSize.oninput = () => Plotly.restyle(gd, { "marker.size": +d.pointSize.value }, [ctx.classes.length]); // the points trace
  gd.on("plotly_restyle", (e) => { if (e && e[0] && "visible" in e[0]) showClasses(ctx, Plotly, gd); });
  S.ro = new ResizeObserver(() => { // the stage follows the window: its width and its height
    const w = d.stage.clientWidth, h = d.stage.clientHeight, key = w * 100000 + h;
    if (w && h && Math.abs(key - (S.lastW || 0)) > 2) { S.lastW = key; Plotly.relayout(gd, sizeLayout(ctx, w)); }
  });
  S.ro.observe(d.stage);
  ctx.emit("ready", Plotly, gd);
}
