// Feature: box and lasso selection. Plotly's own select and lasso drag modes (its modebar, and the
// Pan / Box / Lasso buttons above the plot, for touch screens); a finished shape goes to Python as the
// "select" trigger {kind: "box"|"lasso", x, y, hidden, add, t}, a double-click in those modes as
// {kind: "clear", t}. Python decides which digits are inside (model/plane/selection.py) and answers in the
// plane's state: st.selection = {count, shapes, t}. The count is written on the plot as data-selected
// (data-selected-t: the trigger it answers); Python's shapes are drawn when Plotly shows none (after a
// page switch, or a ?box= link) and Plotly's are cleared when Python's selection is empty (Clear).
// S.selectionSent is the last shape sent (tests compute Python's count from it).
// Linked planes (Compare) get Python's mask as well (answer.mask: base64, a bit per training digit,
// model/plane/selection.pack): both planes then highlight exactly those digits, wherever they drew the
// shape, and outline only their own shapes (as plain layout shapes, which Plotly does not select with).
import { tool } from "./toolbar.js";
import { visible } from "./hit.js";

const MODES = [["pan", "Pan", "pan", "Drag to pan"], ["select", "Box", "box", "Drag to select a box"], ["lasso", "Lasso", "lasso", "Drag to draw a lasso"]];

export function install(ctx) {
  const sel = { shift: false, applying: false, buttons: {} };
  const row = ctx.d.groups.drag; // the toolbar's "What a drag does" group
  row.setAttribute("data-testid", "lp-drag");
  for (const [mode, label, name, title] of MODES) {
    const b = tool(row, { testid: "lp-drag-" + mode, label, name, title, attrs: { "aria-pressed": String(mode === "pan") } });
    b.onclick = () => ctx.S.gd && ctx.S.Plotly.relayout(ctx.S.gd, { dragmode: mode });
    sel.buttons[mode] = b;
  }
  ctx.plot.setAttribute("data-selected", "0");
  const onDown = (e) => { sel.shift = !!e.shiftKey; }; // Plotly adds to its selection with Shift held: so does Python
  document.addEventListener("pointerdown", onDown, { capture: true, passive: true });
  ctx.on("dispose", () => document.removeEventListener("pointerdown", onDown, { capture: true }));
  ctx.on("ready", (Plotly, gd) => wire(ctx, sel, gd));
  ctx.on("state", (st) => (st.selection && "mask" in st.selection ? applyMask : apply)(ctx, sel, st.selection));
}

function wire(ctx, sel, gd) {
  gd.on("plotly_selected", (ev) => {
    if (sel.applying || !ev) return;
    const hidden = visible(ctx).map((shown, k) => (shown ? -1 : k)).filter((k) => k >= 0); // legend-hidden classes
    let shape = null;
    if (ev.range && ev.range.x && ev.range.y) shape = { kind: "box", x: ev.range.x.slice(), y: ev.range.y.slice() };
    else if (ev.lassoPoints && ev.lassoPoints.x) shape = { kind: "lasso", x: ev.lassoPoints.x.slice(), y: ev.lassoPoints.y.slice() };
    if (!shape) return;
    send(ctx, { ...shape, hidden, add: sel.shift });
  });
  gd.on("plotly_deselect", () => { if (!sel.applying) send(ctx, { kind: "clear" }); });
  gd.on("plotly_relayout", (ev) => {
    if (ev && ev.dragmode) for (const [mode, b] of Object.entries(sel.buttons)) b.setAttribute("aria-pressed", String(mode === ev.dragmode));
  });
  // A legend click redraws the points trace with other points (plot.js): light the mask's again.
  gd.on("plotly_restyle", (ev) => { if (sel.bits !== undefined && ev && ev[0] && "x" in ev[0]) highlight(ctx, sel, null); });
}

function send(ctx, value) {
  value.t = Date.now();
  ctx.S.selectionSent = value;
  ctx.setTrigger("select", value);
}

// Python's answer: its count on the plot, and Plotly's outlines made to agree with Python's shapes.
function apply(ctx, sel, answer) {
  const { S, plot } = ctx;
  if (!answer || !S.gd) return;
  plot.setAttribute("data-selected", String(answer.count));
  plot.setAttribute("data-selected-t", String(answer.t ?? ""));
  const shown = (S.gd.layout.selections || []).length;
  const shapes = answer.shapes || [];
  if (shapes.length && shown) return; // Plotly shows what the user drew: Python agreed
  if (!shapes.length && !shown && !S.gd.data.some((t) => t.selectedpoints)) return;
  sel.applying = true;
  const done = () => { sel.applying = false; };
  // Plotly selects the points inside layout.selections itself; clearing needs both emptied at once.
  const change = shapes.length ? S.Plotly.relayout(S.gd, { selections: shapes.map(toSelection) })
    : S.Plotly.update(S.gd, { selectedpoints: [null] }, { selections: [] });
  change.then(done, done);
}

// A shape from Python as a Plotly layout selection (in data coordinates).
function toSelection(s) {
  if (s.kind === "box") return { type: "rect", xref: "x", yref: "y", x0: s.x[0], x1: s.x[1], y0: s.y[0], y1: s.y[1] };
  const path = s.x.map((x, i) => (i ? "L" : "M") + x + "," + s.y[i]).join("") + "Z";
  return { type: "path", xref: "x", yref: "y", path };
}

// Python's answer in a linked plane: its count, the mask's digits lit, this plane's own shapes outlined.
function applyMask(ctx, sel, answer) {
  const { S, plot } = ctx;
  if (!S.gd) return;
  plot.setAttribute("data-selected", String(answer.count));
  plot.setAttribute("data-selected-t", String(answer.t ?? ""));
  const shapes = answer.shapes || [], key = answer.mask + JSON.stringify(shapes);
  if (key === sel.maskKey) return; // a rerun for something else: nothing changed
  sel.maskKey = key;
  sel.bits = answer.mask ? Uint8Array.from(atob(answer.mask), (c) => c.charCodeAt(0)) : null;
  highlight(ctx, sel, shapes.map(toOutline));
}

// Light the points of sel.bits (none: no selection) and, given outlines, replace Plotly's selection by them.
function highlight(ctx, sel, outlines) {
  const { S } = ctx, bits = sel.bits, at = S.gd.data.findIndex((t) => t.name === "points");
  let lit = null;
  if (bits) {
    lit = [];
    for (let k = 0; k < S.pointIndex.length; k++) { const i = S.pointIndex[k]; if ((bits[i >> 3] >> (i & 7)) & 1) lit.push(k); }
  }
  sel.applying = true;
  const done = () => { sel.applying = false; };
  const layout = outlines ? { selections: [], shapes: outlines } : {};
  S.Plotly.update(S.gd, { selectedpoints: S.gd.data.map((_, k) => (k === at ? lit : null)) }, layout).then(done, done);
}

// A shape from Python as a plain outline (a layout shape, which Plotly does not select with).
function toOutline(s) {
  const line = { color: "rgba(0,0,0,0.75)", width: 1, dash: "dot" };
  return { ...toSelection(s), line, fillcolor: "rgba(0,0,0,0)", layer: "above" };
}
