// The live latent plane: the entry module of a Streamlit Components v2 component (one inline ES module,
// built from ui/plane/js/*.js by ui/plane/bundle.py; no build step, no npm, no CDN).
//
// Streamlit calls the default export with {data, parentElement, setStateValue, setTriggerValue} on
// every rerun. data: {channel, url, sha, nbytes}, a reference to model/net/export_weights.py's payload,
// which payload.js fetches once per page (or, inline, bytes = "LEPK" + channel + the payload). The
// chosen point, uploaded star, view and link group come separately, from ui/plane/component.py's tiny state
// component, as window "lp-state" events (sync.js), so the 1.5 MB payload never changes between reruns.
// Named exports (parsePayload, makeDecoder) are for the tests.
//
// Loading: the first call preloads plotly.js (plot.js) while the payload downloads; once the payload
// is parsed (and this plane's state has come, for its opening view), firstpaint.js draws every point
// on a canvas at once, and only then does plotly.js run (most of a second) and draw the plot over it.
//
// Adding a feature: write ui/plane/<name>.js exporting install(ctx), import it below and add it to
// FEATURES (install order = handler order). install(ctx) runs once per plane, before the plot is drawn:
//   ctx.S            the per-plane state object (state.js lists its fields; window.__livePlane[channel])
//   ctx.P            the parsed payload {header, layers, z (2 floats a point), y (labels), channel}
//   ctx.dec          the decoder: ctx.dec.decode(z1, z2, out?) -> Float32Array(784)
//   ctx.d, ctx.plot  the DOM elements (dom.js), and the plot's div; ctx.S.gd is Plotly's, once drawn
//   ctx.classes, ctx.channel, ctx.root
//   ctx.on(event, fn), ctx.emit(event, ...args)   the event bus (context.js lists the events and args:
//                    ready, relayouting, relayout, afterplot, state, hover, click, draw, dispose)
//   ctx.setTrigger(name, value), ctx.setState(name, value)   values sent to Python (Components v2)
//   ctx.gone()       whether the plane's element has left the page
// Shared helpers are plain imports: hit.js (area, toData, toPx, nearestPoint, neighbours),
// overlays.js (drawOverlay), preview.js (decodeAt, choose), dom.js (el, paint, download).
// A feature keeps its own state in an object made in install(), or on ctx.S if tests should read it;
// whatever it adds to window or document it removes on "dispose". No function over about 80 lines
// (tests/test_plane_modules.py checks).
import { loadPayload, parsePayload, payloadSig } from "./payload.js";
import { makeDecoder } from "./decoder.js";
import { buildDom, el } from "./dom.js";
import { createState, fail, initState } from "./state.js";
import { makeContext } from "./context.js";
import { drawPlot, openingView, preloadPlotly } from "./plot.js";
import { decodeAt, initPreview } from "./preview.js";
import { drawOverlay } from "./overlays.js";
import { neighbours } from "./hit.js";
import * as firstpaint from "./firstpaint.js";
import * as pointer from "./pointer.js";
import * as links from "./links.js";
import * as map from "./map.js";
import * as interp from "./interp.js";
import * as sync from "./sync.js";
import * as replay from "./replay.js";
import * as uncertainty from "./uncertainty.js";
import * as thumbnails from "./thumbnails.js";
import * as labels from "./labels.js";
import * as density from "./density.js";
import * as lens from "./lens.js";

import * as selection from "./selection.js";

const FEATURES = [firstpaint, pointer, links, map, interp, sync, thumbnails, labels, density, lens, replay, uncertainty, selection];

export { parsePayload, makeDecoder };

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const sig = payloadSig(data);
  if (!sig) return;
  preloadPlotly(); // plotly.js downloads while the payload does; it runs after the first paint
  const host = parentElement;
  if (host.__lp && host.__lp.sig === sig) return; // same model: keep the drawn plot
  if (host.__lp && host.__lp.dispose) host.__lp.dispose();
  let root = host.querySelector(".lp-root");
  if (!root) root = el("div", { class: "lp-root" }, host);
  const S = createState(sig);
  host.__lp = S;
  const ok = () => host.__lp === S; // no other model arrived while the bytes were on their way
  loadPayload(data)
    .then((bytes) => {
      const P = parsePayload(bytes), channel = data.channel || P.channel || "live_plane";
      return stateReady(channel).then(() => ({ P, channel }));
    })
    .then(({ P, channel }) => ok() && start(S, root, P, channel, setStateValue, setTriggerValue))
    .catch((e) => ok() && fail(S, root, setStateValue, e));
}

// This plane's state from Python (ui/plane/component.py's state component, mounted just after the plane)
// names the view to open on and whether the plane is linked: wait for it (at most a second), so the
// first paint and the plot open on the same view.
function stateReady(channel) {
  if ((window.__lpState || {})[channel]) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (e) => {
      if (e && e.detail && e.detail.channel !== channel) return;
      window.removeEventListener("lp-state", done);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, 1000);
    window.addEventListener("lp-state", done);
  });
}

function start(S, root, P, channel, setStateValue, setTriggerValue) {
  const dec = makeDecoder(P.layers);
  const d = buildDom(root);
  initState(S, P, dec, d, channel);
  const ctx = makeContext({ S, P, dec, d, root, channel, setStateValue, setTriggerValue });
  openingView(ctx);
  initPreview(ctx);
  S.decodeAt = (z1, z2, why) => decodeAt(ctx, z1, z2, why);
  S.neighbours = (z1, z2, skip, k) => neighbours(ctx, z1, z2, skip, k);
  S.drawOverlay = () => drawOverlay(ctx);
  S.dispose = () => dispose(ctx);
  for (const feature of FEATURES) feature.install(ctx); // firstpaint first: the points on screen at once
  drawPlot(ctx); // asynchronous: "ready" comes once plotly.js has run (after that paint) and drawn
}

function dispose(ctx) {
  const S = ctx.S;
  ctx.emit("dispose");
  if (S.ro) S.ro.disconnect();
  if (S.gd && S.Plotly) S.Plotly.purge(S.gd);
}
