// Drawing a box or a lasso in the Box and Lasso modes (S.dragMode): the drag is the plane's own, not
// Plotly's, so Plotly never tests its points or builds a selection (which blocked the page for seconds at
// half a million points). A press inside the plot area is kept from Plotly (its pan and its double-click
// reset), the pointer is captured, and the shape drawn so far (S.selDraft, data coordinates) is outlined
// on the overlay, with the selection's shapes (S.selShapes). Releasing hands the shape to `done(shape,
// add)` (add: Shift was held); a double-click hands {kind: "clear"}. Mouse, pen and touch alike (Pointer
// Events; touch-action is none on the plot in these modes, so a finger draws instead of scrolling).
import { area } from "./hit.js";
import { drawOverlay } from "./overlays.js";

const MIN_PX = 3; // a box under this many pixels each way is a click; a lasso's vertices are this far apart

/**
 * @param {import("./context.js").PlaneContext} ctx
 * @param {(shape: {kind: string, x?: number[], y?: number[]}, add: boolean) => void} done
 */
export function installDraw(ctx, done) {
  const drag = { id: null, add: false, px: [] }; // px: the drag's pixels [[x, y], ...] in the plot area
  const p = ctx.plot;
  const keep = (e) => { if (owns(ctx, e)) e.stopPropagation(); }; // Plotly's drag starts on mousedown
  const onTouch = (e) => { if (e.touches.length === 1 && owns(ctx, e.touches[0], e.target)) { e.preventDefault(); e.stopPropagation(); } };
  const on = {
    pointerdown: (e) => { if (owns(ctx, e)) { e.stopPropagation(); start(ctx, drag, e); } },
    pointermove: (e) => { if (e.pointerId === drag.id) extend(ctx, drag, e); },
    pointerup: (e) => { if (e.pointerId === drag.id) finish(ctx, drag, done); },
    pointercancel: (e) => { if (e.pointerId === drag.id) { drag.id = null; ctx.S.selDraft = null; drawOverlay(ctx); } },
    dblclick: (e) => { if (owns(ctx, e)) done({ kind: "clear" }, false); },
  };
  p.addEventListener("mousedown", keep, { capture: true });
  p.addEventListener("touchstart", onTouch, { capture: true, passive: false });
  for (const [name, fn] of Object.entries(on)) p.addEventListener(name, fn, { capture: name === "pointerdown" });
  ctx.on("draw", (g, a) => outline(ctx, g, a));
  ctx.on("dispose", () => {
    p.removeEventListener("mousedown", keep, { capture: true });
    p.removeEventListener("touchstart", onTouch, { capture: true });
    for (const [name, fn] of Object.entries(on)) p.removeEventListener(name, fn, { capture: name === "pointerdown" });
  });
}

// Whether a press at e (clientX, clientY) is the selection's: a select mode, on the plot area, not on
// the modebar or the legend.
function owns(ctx, e, target = e.target) {
  if (!ctx.S.dragMode || !ctx.S.gd || (e.button !== undefined && e.button !== 0)) return false;
  if (target && target.closest && (target.closest(".modebar") || target.closest(".legend"))) return false;
  const q = local(ctx, e);
  return q[0] >= 0 && q[1] >= 0 && q[0] <= q[2].w && q[1] <= q[2].h;
}

// e's position in the plot area's pixels [x, y, area].
function local(ctx, e) {
  const r = ctx.plot.getBoundingClientRect(), a = area(ctx);
  return [e.clientX - r.left - a.left, e.clientY - r.top - a.top, a];
}

function start(ctx, drag, e) {
  const [x, y] = local(ctx, e);
  drag.id = e.pointerId; drag.add = !!e.shiftKey; drag.px = [[x, y]];
  try { ctx.plot.setPointerCapture(e.pointerId); } catch { /* a synthetic pointer: moves still reach the plot */ }
}

function extend(ctx, drag, e) {
  let [x, y, a] = local(ctx, e);
  x = Math.min(Math.max(x, 0), a.w); y = Math.min(Math.max(y, 0), a.h); // the shape stays in the plot area
  const last = drag.px[drag.px.length - 1];
  if (ctx.S.dragMode === "select") drag.px[1] = [x, y];
  else if (Math.hypot(x - last[0], y - last[1]) >= MIN_PX) drag.px.push([x, y]);
  const far = Math.hypot(x - drag.px[0][0], y - drag.px[0][1]) >= MIN_PX;
  if (far || ctx.S.selDraft) { ctx.S.selDraft = shapeOf(ctx, drag); drawOverlay(ctx); } // a drag, not a click (pointer.js)
}

function finish(ctx, drag, done) {
  const shape = shapeOf(ctx, drag), px = drag.px;
  drag.id = null; ctx.S.selDraft = null;
  const big = ctx.S.dragMode === "select" ? px.length > 1 && (Math.abs(px[1][0] - px[0][0]) >= MIN_PX || Math.abs(px[1][1] - px[0][1]) >= MIN_PX) : px.length >= 3;
  drawOverlay(ctx);
  if (shape && big) done(shape, drag.add); // else a click: pointer.js chooses the digit under it
}

// The drag as a shape in data coordinates: a box {kind, x: [x0, x1], y: [y0, y1]} (sorted) or a lasso.
function shapeOf(ctx, drag) {
  const a = area(ctx), xs = drag.px.map((q) => a.xa.p2l(q[0])), ys = drag.px.map((q) => a.ya.p2l(q[1]));
  if (ctx.S.dragMode !== "select") return { kind: "lasso", x: xs, y: ys };
  if (xs.length < 2) return null;
  return { kind: "box", x: [Math.min(...xs), Math.max(...xs)], y: [Math.min(...ys), Math.max(...ys)] };
}

// The selection's shapes and the one being drawn, dotted, on the overlay.
function outline(ctx, g, a) {
  const S = ctx.S, all = S.selDraft ? [...S.selShapes, S.selDraft] : S.selShapes;
  if (!all.length) return;
  g.save(); g.setLineDash([3, 3]); g.lineWidth = 1; g.strokeStyle = "rgba(0,0,0,0.8)";
  for (const s of all) {
    g.beginPath();
    const xs = s.kind === "box" ? [s.x[0], s.x[1], s.x[1], s.x[0]] : s.x, ys = s.kind === "box" ? [s.y[0], s.y[0], s.y[1], s.y[1]] : s.y;
    xs.forEach((x, k) => g.lineTo(a.left + a.xa.l2p(x), a.top + a.ya.l2p(ys[k])));
    g.closePath(); g.stroke();
  }
  g.restore();
}
