// Feature: class labels (class names for Fashion-MNIST) at each class's own densest spot, which
// model/plane/density.py's peaks() puts in the payload's header ("peaks", null for an empty class),
// not at the centroid, which for classes wrapped around a shared knot falls inside it. Drawn on the
// overlay (they follow a pan), for the classes shown; the "Labels" option turns them off.
import { toggle } from "./toolbar.js";
import { toPx, visible } from "./hit.js";
import { drawOverlay } from "./overlays.js";
import { PALETTE } from "./palette.js";

export function install(ctx) {
  const box = toggle(ctx.d.groups.layers, { testid: "lp-labels-toggle", label: "Labels", name: "labels", checked: true, title: "Labels: each class's name at its densest spot" });
  box.onchange = () => drawOverlay(ctx);
  ctx.S.labels = []; // [class, x, y] in CSS pixels of the plot, as last drawn (the test view's labels)
  ctx.on("draw", (g, a) => draw(ctx, g, a, box.checked));
}

function draw(ctx, g, a, on) {
  const { S, P, classes } = ctx, peaks = P.header.peaks || [], vis = visible(ctx);
  S.labels = [];
  if (!on) return;
  g.font = "bold 13px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle"; g.lineJoin = "round";
  peaks.forEach((p, k) => {
    if (!p || !vis[k]) return;
    const [x, y] = toPx(a, p[0], p[1]);
    g.lineWidth = 4; g.strokeStyle = "rgba(255, 255, 255, 0.92)"; g.strokeText(classes[k], x, y);
    g.fillStyle = PALETTE[k % PALETTE.length]; g.fillText(classes[k], x, y);
    S.labels.push([k, x, y]);
  });
  g.textAlign = "start"; g.textBaseline = "alphabetic";
}
