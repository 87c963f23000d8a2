// Feature: the state from Python. ui/plane/component.py's tiny state component posts this plane's state
// ({channel, marker, index, star, view, link}) to window.__lpState[channel] with a window "lp-state"
// event; it is applied once the plot is drawn and on every change, then emitted as "state".
import { sizeLayout } from "./plot.js";
import { choose, decodeAt, emptyText } from "./preview.js";
import { drawOverlay } from "./overlays.js";

export function install(ctx) {
  const onState = (e) => { if (e.detail && e.detail.channel === ctx.channel && ctx.S.gd) applyState(ctx, e.detail); };
  window.addEventListener("lp-state", onState);
  ctx.on("ready", () => applyState(ctx, (window.__lpState || {})[ctx.channel]));
  ctx.on("dispose", () => window.removeEventListener("lp-state", onState));
}

function applyState(ctx, st) {
  if (!st) return;
  const { S, d } = ctx;
  applyLink(ctx, st);
  S.star = st.star || null;
  const vk = st.view ? JSON.stringify(st.view) : null;
  if (vk && vk !== S.viewKey && S.gd && S.Plotly) { // a new view (another uploaded digit): zoom to it
    S.viewKey = vk;
    S.Plotly.relayout(S.gd, { "xaxis.range": st.view[0].slice(), "yaxis.range": st.view[1].slice() });
  }
  d.starA.hidden = !S.star;
  const m = st.marker, c = S.committed;
  if (m && (!c || Math.abs(c.z1 - m[0]) > 1e-6 || Math.abs(c.z2 - m[1]) > 1e-6 || c.index !== (st.index ?? null))) {
    choose(ctx, m[0], m[1], st.index ?? null);
    decodeAt(ctx, m[0], m[1], "Chosen:");
  } else if (!m && S.committed) {
    S.committed = null; S.neigh = [];
  }
  ctx.emit("state", st);
  drawOverlay(ctx);
}

// The link group; if it came after the plot was drawn, relayout once for the linked (or equal-unit) box.
function applyLink(ctx, st) {
  const { S, d } = ctx;
  S.link = st.link || null;
  if (!!S.link !== S.linked && S.gd && S.Plotly) {
    const linked = (S.linked = !!S.link);
    S.Plotly.relayout(S.gd, { ...sizeLayout(ctx, d.stage.clientWidth || 600),
      "yaxis.scaleanchor": linked ? null : "x", "yaxis.scaleratio": linked ? null : 1 });
  }
  d.link.hidden = !S.link; // always there in a linked plane, so the plot never jumps when a digit is named
  emptyText(ctx);
}
