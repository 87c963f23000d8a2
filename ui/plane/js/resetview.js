// Feature: Reset view. One button brings the plane back to the view it opened on (the model's dense
// core, the uploaded digit's neighbourhood, or a shared link's view); a double-click still shows every
// digit.
import { tool } from "./toolbar.js";

export function install(ctx) {
  const g = ctx.d.groups.view;
  const b = tool(g, { testid: "lp-reset-view", label: "Reset view", name: "reset", title: "Reset view: back to the view the plane opened on" });
  g.prepend(b); // before Settings
  b.onclick = () => {
    const { S } = ctx, v = (ctx.state && ctx.state.view) || ctx.view0;
    if (S.gd && S.Plotly && v) S.Plotly.relayout(S.gd, { "xaxis.range": v[0].slice(), "yaxis.range": v[1].slice() });
  };
}
