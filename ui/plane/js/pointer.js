// Feature: the pointer. Moving decodes under it (and emits "hover"); a short press (no drag) chooses
// the training digit within HIT_PX, else the point itself, and sends it to Python as the click trigger.
// A press counts only on the plane itself: a menu or popover open over the plot (Compare's model picker,
// Settings) takes its own clicks.
import { area, nearestPoint, toData, HIT_PX } from "./hit.js";
import { choose, decodeAt, showEmpty } from "./preview.js";
import { drawOverlay } from "./overlays.js";

const CLICK_PX = 5; // mousedown -> mouseup further than this is a drag (pan), not a click

export function install(ctx) {
  const press = { down: null }; // where the primary button went down on the plot, or null
  const onMove = (e) => move(ctx, e);
  const onDown = (e) => down(ctx, press, e);
  const onUp = (e) => up(ctx, press, e);
  const onLeave = () => ctx.emit("hover", null); // the pointer left the window: no mousemove will clear the rings
  document.documentElement.addEventListener("mouseleave", onLeave);
  document.addEventListener("mousemove", onMove, { capture: true, passive: true });
  document.addEventListener("pointerdown", onDown, { capture: true, passive: true });
  document.addEventListener("pointerup", onUp, { capture: true, passive: true });
  ctx.on("dispose", () => {
    document.removeEventListener("mousemove", onMove, { capture: true });
    document.removeEventListener("pointerdown", onDown, { capture: true });
    document.removeEventListener("pointerup", onUp, { capture: true });
    document.documentElement.removeEventListener("mouseleave", onLeave);
  });
}

function move(ctx, e) {
  const S = ctx.S;
  if (!S.gd) return;
  S.stats.moves++;
  const z = toData(ctx, e.clientX, e.clientY);
  if (z) decodeAt(ctx, z[0], z[1], "Pointer:");
  ctx.emit("hover", z);
  if (!z && S.link && !S.committed && !S.hover) showEmpty(ctx); // off a linked plane, nothing to show here
}

function down(ctx, press, e) {
  press.down = null;
  if (!ctx.S.gd || (e.button !== undefined && e.button !== 0)) return;
  if (e.target.closest && (e.target.closest(".modebar") || e.target.closest(".legend"))) return;
  if (!(e.target instanceof Node) || !ctx.d.stage.contains(e.target)) return; // over the plot but on something else (a menu, a popover)
  const z = toData(ctx, e.clientX, e.clientY);
  press.down = z ? { x: e.clientX, y: e.clientY } : null;
  if (z && e.pointerType && e.pointerType !== "mouse") decodeAt(ctx, z[0], z[1], "Pointer:"); // a tap shows its digit
}

function up(ctx, press, e) {
  const { S, P } = ctx;
  if (!press.down || !S.gd) return;
  const far = Math.hypot(e.clientX - press.down.x, e.clientY - press.down.y) > CLICK_PX;
  press.down = null;
  const z = toData(ctx, e.clientX, e.clientY);
  if (far || !z || S.selDraft) return; // a drag, or a lasso closed where it began (select_draw.js): no click
  const a = area(ctx), perPx = (a.xa.range[1] - a.xa.range[0]) / a.w;
  const hit = nearestPoint(ctx, z[0], z[1], HIT_PX * perPx);
  const [z1, z2] = hit >= 0 ? [P.z[2 * hit], P.z[2 * hit + 1]] : z;
  const index = hit >= 0 ? hit : null;
  if (S.link && index === null) return; // linked planes pair training digits: empty space picks nothing
  ctx.emit("hover", z); // a tap (no hover before it) marks the digit in the group's other planes at once
  pick(ctx, z1, z2, index);
}

// Choose (z1, z2) (index: a training digit's, or null) as a click on the plane does, and tell Python.
export function pick(ctx, z1, z2, index) {
  const S = ctx.S;
  choose(ctx, z1, z2, index);
  decodeAt(ctx, z1, z2, "Chosen:");
  ctx.emit("click", { z1, z2, index });
  drawOverlay(ctx);
  S.stats.clicks++;
  S.stats.lastClickAt = performance.now();
  ctx.setTrigger("click", { z1, z2, index, t: Date.now() });
}
