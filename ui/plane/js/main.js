// The live latent plane: the entry module of a Streamlit Components v2 component (one inline ES module,
// built from ui/plane/js/*.js by ui/plane/bundle.py; no build step, no npm, no CDN).
//
// One channel: Streamlit calls the default export with {data, parentElement, setStateValue,
// setTriggerValue} on every rerun whose data changed. data = {channel, url, sha, nbytes, state}: a
// reference to model/net/export_weights.py's payload (payload.js fetches it once per page and sha), and
// this plane's state from Python (the chosen point, uploaded star, view, link group, replay, sigma,
// thumbnail source, selection: ui/plane/component.py), so the payload never travels with the state.
// Named exports (parsePayload, makeDecoder) are for the tests.
//
// One instance per host element, kept in a WeakMap (INSTANCES): a rerun with the same payload hands
// the new state to the drawn plane; another payload disposes the plane and starts a new one. The
// renderer returns a cleanup, which Streamlit runs when the component leaves the page (only the last
// one it was given) and at once for a call superseded while loading: it disposes the instance only
// once its host has left the document (so never a plane still shown), and does so once.
// dispose() runs every feature's "dispose" handlers (listeners, observers, timers, animation frames),
// purges the plot and loses its WebGL contexts.
//
// Loading: the first call preloads plotly.js (plot.js) while the payload downloads; once the payload
// is parsed, firstpaint.js draws every point on a canvas at once (on the state's opening view), and
// only then does plotly.js run and draw the plot over it.
//
// Adding a feature: write ui/plane/js/<name>.js exporting install(ctx), import it below and add it to
// FEATURES (install order = handler order). install(ctx) runs once per plane, before the plot is drawn:
//   ctx.S            the per-plane state (state.js declares every field, in one typedef; it is sealed)
//   ctx.P            the parsed payload {header, layers, z (2 floats a point), y (labels), channel}
//   ctx.dec          the decoder: ctx.dec.decode(z1, z2, out?) -> Float32Array(784)
//   ctx.d, ctx.plot  the DOM elements (dom.js), and the plot's div; ctx.S.gd is Plotly's, once drawn
//   ctx.state        Python's latest state for this plane;  ctx.classes, ctx.channel, ctx.root
//   ctx.on(event, fn), ctx.emit(event, ...args)   the event bus (context.js lists the events and args:
//                    ready, relayouting, relayout, afterplot, state, hover, click, draw, dispose)
//   ctx.setTrigger(name, value), ctx.setState(name, value)   values sent to Python (Components v2)
//   ctx.disposed     true once the plane is gone: asynchronous work checks it before touching the plane
// context.js declares ctx's fields (sealed too). Shared helpers are plain imports: hit.js (area, toData,
// toPx, nearestPoint, neighbours), overlays.js (drawOverlay), preview.js (decodeAt, choose), dom.js (el,
// paint, download). A feature keeps its own state in an object made in install() (in a field of S if the
// test view reports it: view.js); whatever it adds to window or document, and every timer or frame it
// asks for, it removes on "dispose". Tests read the plane only through view.js's test view
// (window.latentPlane.view(channel)) and the plot's data-* attributes. No function over about 80
// lines (tests/test_plane_modules.py checks).
import { loadPayload, parsePayload, payloadSig } from "./payload.js";
import { makeDecoder } from "./decoder.js";
import { buildDom, el } from "./dom.js";
import { buildToolbar } from "./toolbar.js";
import { createState, fail, initState } from "./state.js";
import { makeContext } from "./context.js";
import { drawPlot, openingView, preloadPlotly } from "./plot.js";
import { initPreview } from "./preview.js";
import { loseGL } from "./gl.js";
import * as view from "./view.js";
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
import * as colorby from "./colorby.js";
import * as exporter from "./export.js";
import * as share from "./share.js";
import * as resetview from "./resetview.js";
import * as pair from "./pair.js";

const FEATURES = [firstpaint, pointer, links, map, interp, sync, thumbnails, labels, density, lens, replay, uncertainty, selection, colorby, exporter, share, resetview, pair];

// host element -> {sig, S, ctx (once started), root, state, calls, disposed}
const INSTANCES = new WeakMap();

export { parsePayload, makeDecoder };

export default function (component) {
  const { data, parentElement: host, setStateValue, setTriggerValue } = component;
  const sig = payloadSig(data);
  if (!sig) return undefined;
  preloadPlotly(); // plotly.js downloads while the payload does; it runs after the first paint
  let inst = INSTANCES.get(host);
  if (inst && inst.sig === sig && !inst.disposed) {
    Object.assign(inst.calls, { setStateValue, setTriggerValue });
    inst.state = data.state || {};
    if (inst.ctx) sync.update(inst.ctx, inst.state); // same model: keep the drawn plot, apply the state
  } else {
    if (inst) dispose(inst); // another model for this element
    inst = mount(host, data, sig, { setStateValue, setTriggerValue });
    INSTANCES.set(host, inst);
  }
  const mine = inst;
  return () => release(host, mine);
}

function mount(host, data, sig, calls) {
  let root = host.querySelector(".lp-root");
  if (!root) root = el("div", { class: "lp-root" }, host);
  const inst = { sig, S: createState(sig), ctx: null, root, state: data.state || {}, calls, disposed: false };
  loadPayload(data)
    .then((bytes) => { if (!inst.disposed) start(inst, parsePayload(bytes), data.channel); })
    .catch((e) => { if (!inst.disposed) fail(inst.S, root, (n, v) => inst.calls.setStateValue(n, v), e); });
  return inst;
}

// The cleanup Streamlit is given: a plane whose element is still in the document stays (the call was
// superseded by a newer one for the same element); one whose element left goes, once.
function release(host, inst) {
  if (host.isConnected || inst.disposed) return;
  dispose(inst);
  if (INSTANCES.get(host) === inst) INSTANCES.delete(host);
}

function start(inst, P, channel) {
  const { S, root } = inst, dec = makeDecoder(P.layers), d = buildDom(root);
  initState(S, P, dec, d);
  buildToolbar(d, channel || P.channel || "live_plane");
  const ctx = makeContext({ S, P, dec, d, root, channel: channel || P.channel || "live_plane", state: inst.state, calls: inst.calls });
  inst.ctx = ctx;
  d.plot.setAttribute("data-channel", ctx.channel);
  openingView(ctx);
  initPreview(ctx);
  view.register(ctx);
  for (const feature of FEATURES) feature.install(ctx); // firstpaint first: the points on screen at once
  drawPlot(ctx); // asynchronous: "ready" comes once plotly.js has run (after that paint) and drawn
}

function dispose(inst) {
  if (inst.disposed) return;
  inst.disposed = true;
  const ctx = inst.ctx, S = inst.S;
  if (!ctx) return; // the payload had not arrived: nothing was built
  ctx.disposed = true;
  ctx.emit("dispose");
  view.unregister(ctx);
  if (S.ro) S.ro.disconnect();
  if (S.gd && S.Plotly) loseGL(S.Plotly, S.gd); // Plotly.purge, then its WebGL contexts lost at once
  inst.root.replaceChildren();
}
