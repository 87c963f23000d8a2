// The Plotly plot: loading plotly.js (served by the app, no CDN), the traces, the opening view and
// layout, and the plot's events, which it passes on as "relayouting" / "relayout" / "afterplot" / "ready".
import { drawOverlay } from "./overlays.js";
import { fail } from "./state.js";

export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const PLOTLY_URL = "app/static/plotly.min.js";

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

// Fair colours: one trace holds every point, in a fixed shuffled order (S.order[k] is the training
// digit drawn k-th), so no class paints over another because of trace order; the per-class traces before
// it have no points and only make the legend (a legend click hides a class: showClasses).
function makeTraces(ctx) {
  const { S, P, classes } = ctx;
  S.order = shuffled(P.y.length);
  const legend = classes.map((name, k) => ({ type: "scattergl", mode: "markers", name, x: [null], y: [null],
    hoverinfo: "skip", marker: { size: 3, color: PALETTE[k % PALETTE.length], opacity: 0.6 } }));
  return [...legend, { type: "scattergl", mode: "markers", name: "points", showlegend: false, hoverinfo: "skip",
    ...points(ctx, classes.map(() => true)), marker: { size: 3, color: S.pointColors, opacity: 0.6 } }];
}

// The points trace's x, y (and S.pointColors) for the shown classes, in S.order. S.pointIndex[k] is
// the training digit of the trace's point k (what Plotly's events call pointNumber k of trace n).
function points(ctx, shown) {
  const { S, P } = ctx, keep = Array.from(S.order).filter((i) => shown[P.y[i]]);
  S.pointIndex = Uint32Array.from(keep);
  S.pointColors = keep.map((i) => PALETTE[P.y[i] % PALETTE.length]);
  return { x: Float32Array.from(keep, (i) => P.z[2 * i]), y: Float32Array.from(keep, (i) => P.z[2 * i + 1]) };
}

function showClasses(ctx, Plotly, gd) {
  const n = ctx.classes.length, p = points(ctx, gd._fullData.slice(0, n).map((t) => t.visible === true));
  Plotly.restyle(gd, { x: [p.x], y: [p.y], "marker.color": [ctx.S.pointColors] }, [n]);
}

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
  const st0 = (window.__lpState || {})[ctx.channel];
  ctx.view0 = st0 && st0.view ? st0.view : [[x0, x1], [y0, y1]];
  S.viewKey = st0 && st0.view ? JSON.stringify(st0.view) : null;
  S.linked = !!(st0 && st0.link);
  S.link = S.linked ? st0.link : null;
}

export function heightFor(ctx, w) {
  const v0 = ctx.view0, aspect = ctx.S.linked ? 0.85 : (v0[1][1] - v0[1][0]) / (v0[0][1] - v0[0][0]);
  return Math.round(Math.min(Math.max((w - 50) * aspect, 240), 640)) + 80;
}

function makeLayout(ctx) {
  const v0 = ctx.view0, linked = ctx.S.linked;
  const layout = {
    height: heightFor(ctx, ctx.d.stage.clientWidth || 600), margin: { l: 40, r: 8, t: 10, b: 36 }, hovermode: false, dragmode: "pan",
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", uirevision: "plane", showlegend: true,
    legend: { orientation: "h", x: 0, y: -0.08, yanchor: "top", itemsizing: "constant", font: { size: 11 } },
    xaxis: { range: v0[0].slice(), constrain: "domain", zeroline: false, title: { text: "z1", standoff: 2 } },
    yaxis: { range: v0[1].slice(), constrain: "domain", zeroline: false, title: { text: "z2", standoff: 2 },
      ...(linked ? {} : { scaleanchor: "x", scaleratio: 1 }) },
  };
  layout.margin.b = 80;
  return layout;
}

const makeConfig = () => ({ scrollZoom: true, displaylogo: false, responsive: true, doubleClick: "autosize",
  modeBarButtonsToRemove: ["toImage", "resetScale2d", "sendDataToCloud"] }); // select2d, lasso2d: selection.js

// Draw the plot (asynchronously: plotly.js may still be loading), then wire it and emit "ready".
export function drawPlot(ctx) {
  const { S, d } = ctx, traces = makeTraces(ctx), layout = makeLayout(ctx), config = makeConfig();
  loadPlotly().then((Plotly) => {
    if (ctx.gone()) return;
    S.Plotly = Plotly;
    return Plotly.newPlot(d.plot, traces, layout, config).then((gd) => {
      S.gd = gd;
      S.stats.drawnAt = performance.now();
      d.plot.setAttribute("data-drawn", "1");
      wire(ctx, Plotly, gd);
    });
  }).catch((e) => fail(S, ctx.root, ctx.setState, e));
}

function wire(ctx, Plotly, gd) {
  const { S, d } = ctx;
  gd.on("plotly_relayouting", () => { ctx.emit("relayouting"); drawOverlay(ctx); });
  gd.on("plotly_relayout", () => {
    S.relayoutAt = performance.now();
    ctx.emit("relayout");
    drawOverlay(ctx);
  });
  gd.on("plotly_afterplot", () => { ctx.emit("afterplot"); drawOverlay(ctx); });
  d.opacity.oninput = () => Plotly.restyle(gd, { "marker.opacity": +d.opacity.value / 100 }, gd.data.map((_, k) => k));
  gd.on("plotly_restyle", (e) => { if (e && e[0] && "visible" in e[0]) showClasses(ctx, Plotly, gd); });
  S.ro = new ResizeObserver(() => {
    const w = d.stage.clientWidth;
    if (w && Math.abs(w - (S.lastW || 0)) > 2) { S.lastW = w; Plotly.relayout(gd, { height: heightFor(ctx, w) }); }
  });
  S.ro.observe(d.stage);
  ctx.emit("ready", Plotly, gd);
}
