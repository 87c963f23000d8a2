// Feature: box and lasso selection, done by the plane itself (never by Plotly's point selection, which
// tests every point and builds an event per selected one, blocking the page for seconds at half a million).
// The Pan / Box / Lasso buttons set S.dragMode (null: Plotly's own drag, pan or zoom); in Box and Lasso
// select_draw.js takes the drag. A finished shape lights its digits at once (select_geom.js, over the
// payload's encodings; select_lit.js draws them) and goes to Python as the "select" trigger {kind: "box" |
// "lasso", x, y, hidden, add, t}; a double-click in those modes sends {kind: "clear", t}. Python decides
// the selection (model/plane/selection.py) and answers in the plane's state: st.selection = {count,
// shapes, t} (linked planes on Compare: and mask, base64, a bit per training digit, model/plane/selection.pack,
// so both planes light exactly those digits). The count is written on the plot as data-selected
// (data-selected-t: the trigger it answers); the plane then lights Python's shapes (or mask) and outlines
// its own shapes, so a page switch, a ?box= link and Clear show what Python holds. An answer to an older
// trigger than the last one sent is not lit (the newer shape stays lit until its own answer).
// S.selectionSent is the last shape sent (tests compute Python's count from it).
import { tool } from "./toolbar.js";
import { visible } from "./hit.js";
import { drawOverlay } from "./overlays.js";
import { addMembers, members } from "./select_geom.js";
import { installDraw } from "./select_draw.js";
import { makeLitLayer } from "./select_lit.js";

const MODES = [["pan", "Pan", "pan", "Drag to pan"], ["select", "Box", "box", "Drag to select a box"], ["lasso", "Lasso", "lasso", "Drag to draw a lasso"]];

export function install(ctx) {
  const sel = { buttons: {}, key: null, quiet: false, lit: makeLitLayer(ctx) };
  const row = ctx.d.groups.drag; // the toolbar's "What a drag does" group
  row.setAttribute("data-testid", "lp-drag");
  for (const [mode, label, name, title] of MODES) {
    const b = tool(row, { testid: "lp-drag-" + mode, label, name, title, attrs: { "aria-pressed": String(mode === "pan") } });
    b.onclick = () => setMode(ctx, sel, mode);
    sel.buttons[mode] = b;
  }
  ctx.plot.setAttribute("data-selected", "0");
  installDraw(ctx, (shape, add) => drawn(ctx, sel, shape, add));
  ctx.on("ready", (Plotly, gd) => gd.on("plotly_relayout", (ev) => {
    if (!ev || !ev.dragmode || sel.quiet) return;
    setMode(ctx, sel, ev.dragmode, false); // the modebar's zoom or pan: the plane's selection modes end
  }));
  ctx.on("state", (st) => answer(ctx, sel, st.selection));
}

// Pan (Plotly's drag, `mode` being Plotly's dragmode) or the plane's Box ("select") or Lasso.
function setMode(ctx, sel, mode, relayout = true) {
  const S = ctx.S, own = mode === "select" || mode === "lasso";
  S.dragMode = own ? mode : null;
  ctx.plot.style.touchAction = own ? "none" : ""; // a finger draws the shape instead of scrolling the page
  ctx.plot.toggleAttribute("data-selecting", own);
  const pressed = own || mode === "pan" ? mode : null; // Plotly's zoom (the modebar): none of the three
  for (const [m, b] of Object.entries(sel.buttons)) b.setAttribute("aria-pressed", String(m === pressed));
  if (relayout && S.gd && S.gd.layout.dragmode !== "pan") { // Box and Lasso keep Plotly panning (wheel zoom, the modebar)
    sel.quiet = true;
    const done = () => { sel.quiet = false; };
    S.Plotly.relayout(S.gd, { dragmode: "pan" }).then(done, done);
  }
}

// A shape drawn on this plane (or {kind: "clear"}): lit at once, and sent to Python.
function drawn(ctx, sel, shape, add) {
  const S = ctx.S;
  if (shape.kind === "clear") {
    S.selMask = null; S.selShapes = [];
    send(ctx, { kind: "clear" });
  } else {
    shape.hidden = visible(ctx).map((shown, k) => (shown ? -1 : k)).filter((k) => k >= 0); // legend-hidden classes
    const keep = add && S.selMask;
    S.selMask = keep ? addMembers(ctx.P, shape, S.selMask) : members(ctx.P, [shape]);
    S.selShapes = keep ? [...S.selShapes, shape] : [shape];
    send(ctx, { ...shape, add });
  }
  sel.key = null;
  sel.lit.draw();
  drawOverlay(ctx);
}

function send(ctx, value) {
  value.t = Date.now();
  ctx.S.selectionSent = value;
  ctx.setTrigger("select", value);
}

// Python's answer: its count on the plot, and its selection lit (its shapes here, or a linked pair's mask).
function answer(ctx, sel, ans) {
  const { S, plot } = ctx;
  if (!ans) return;
  plot.setAttribute("data-selected", String(ans.count));
  plot.setAttribute("data-selected-t", String(ans.t ?? ""));
  const sent = S.selectionSent;
  if (sent && typeof ans.t === "number" && ans.t < sent.t) return; // an older trigger's answer: the newer shape stays lit
  const shapes = ans.shapes || [], key = (ans.mask ?? "") + JSON.stringify(shapes);
  if (key === sel.key) return; // a rerun for something else: nothing changed
  sel.key = key;
  if (!("mask" in ans) && same(shapes, S.selShapes)) return; // Python agrees with what is lit already
  S.selShapes = shapes;
  if ("mask" in ans) S.selMask = ans.mask ? unpack(ans.mask, ctx.P.y.length) : null;
  else S.selMask = shapes.length ? members(ctx.P, shapes) : null;
  sel.lit.draw();
  drawOverlay(ctx);
}

// Whether two lists of shapes are the same shapes (kind, vertices, hidden classes), in the same order.
const sig = (shapes) => JSON.stringify(shapes.map((q) => [q.kind, q.x, q.y, q.hidden || []]));
const same = (a, b) => a.length === b.length && sig(a) === sig(b);

// Python's mask (base64, bit i of byte i >> 3 for training digit i) as one byte per digit.
function unpack(b64, n) {
  const bits = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bits[i >> 3] >> (i & 7)) & 1;
  return out;
}
