// Feature: linked planes (Compare). Planes whose state names the same `link` group tell each other,
// through a window "lp-link" event {link, from: channel, index|null}, which training digit the pointer
// is over; each rings that index (S.hover = {index, here}; the plot's data-hover attribute) and names
// it, with no server call. A plane that is not linked does nothing here.
import { area, nearestPoint, HIT_PX } from "./hit.js";
import { decodeAt, showEmpty } from "./preview.js";
import { drawOverlay } from "./overlays.js";

export function install(ctx) {
  const S = ctx.S;
  ctx.on("hover", (z) => hoverAt(ctx, z));
  const onLink = (e) => {
    if (ctx.gone()) return S.dispose();
    const m = e.detail;
    if (!m || !S.link || m.link !== S.link || m.from === ctx.channel || !S.gd) return;
    const index = Number.isInteger(m.index) && m.index < ctx.P.y.length ? m.index : null;
    if (index === null && (!S.hover || S.hover.here)) return; // nothing of theirs shown here
    showHover(ctx, index, false);
  };
  window.addEventListener("lp-link", onLink);
  ctx.on("dispose", () => window.removeEventListener("lp-link", onLink));
}

// The training digit a click at z would pick (or none); the group hears of every change.
function hoverAt(ctx, z) {
  const S = ctx.S;
  if (!S.link || !S.gd) return;
  let index = null;
  if (z) {
    const t = performance.now(), a = area(ctx);
    const hit = nearestPoint(ctx, z[0], z[1], (HIT_PX * (a.xa.range[1] - a.xa.range[0])) / a.w);
    index = hit >= 0 ? hit : null;
    S.stats.hoverMs.push(performance.now() - t);
    if (S.stats.hoverMs.length > 2000) S.stats.hoverMs.shift();
  }
  const mine = S.hover && S.hover.here;
  if (index === null ? !mine : mine && S.hover.index === index) return;
  showHover(ctx, index, true);
  window.dispatchEvent(new CustomEvent("lp-link", { detail: { link: S.link, from: ctx.channel, index } }));
}

// Ring and name digit `index` (null: none), under the pointer here or (here = false) in another plane.
function showHover(ctx, index, here) {
  const { S, P, d, classes } = ctx;
  S.hover = index === null ? null : { index, here };
  d.plot.setAttribute("data-hover", index === null ? "" : String(index));
  if (index === null) {
    d.link.textContent = "";
    if (!here && S.committed) decodeAt(ctx, S.committed.z1, S.committed.z2, "Chosen:");
    else if (!here) showEmpty(ctx);
  } else {
    const z1 = P.z[2 * index], z2 = P.z[2 * index + 1], a = area(ctx);
    const shown = z1 >= Math.min(...a.xa.range) && z1 <= Math.max(...a.xa.range) && z2 >= Math.min(...a.ya.range) && z2 <= Math.max(...a.ya.range);
    d.link.textContent = `Training digit #${index} (label ${classes[P.y[index]]})` +
      (here ? "" : ", under the pointer in the other plane") + (shown ? "" : "; outside this view");
    if (!here) decodeAt(ctx, z1, z2, `Digit #${index} here:`); // what this model makes of it
  }
  drawOverlay(ctx);
}
