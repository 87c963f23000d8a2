// Feature: Reset view. One button brings the plane back to the view it opened on (the model's dense
// core, the uploaded digit's neighbourhood, or a shared link's view); a double-click still shows every
// digit.
import { el } from "./dom.js";

export function install(ctx) {
  const ctl = ctx.d.opacity.closest(".lp-controls");
  const b = el("button", { type: "button", "data-testid": "lp-reset-view", text: "Reset view", title: "Back to the view the plane opened on" }, ctl);
  b.onclick = () => {
    const { S } = ctx, v = (ctx.state && ctx.state.view) || ctx.view0;
    if (S.gd && S.Plotly && v) S.Plotly.relayout(S.gd, { "xaxis.range": v[0].slice(), "yaxis.range": v[1].slice() });
  };
}
