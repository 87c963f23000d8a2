// The overlay canvas above the plot: the chosen point's neighbours, whatever features draw ("draw"
// event: the interpolation path), the uploaded star, the chosen point's cross and the linked digit's ring.
import { fitCanvas } from "./dom.js";
import { area, toPx } from "./hit.js";

export function drawOverlay(ctx) {
  const { S, d } = ctx;
  if (!S.gd) return;
  const { g, dpr } = fitCanvas(d.overlay, d.plot), a = area(ctx);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
  for (const i of S.neigh) {
    const [x, y] = toPx(a, ctx.P.z[2 * i], ctx.P.z[2 * i + 1]);
    g.beginPath(); g.arc(x, y, 6, 0, 2 * Math.PI); g.lineWidth = 3; g.strokeStyle = "white"; g.stroke();
    g.lineWidth = 1.5; g.strokeStyle = "black"; g.stroke();
  }
  ctx.emit("draw", g, a);
  if (S.star) star(g, ...toPx(a, ...S.star));
  if (S.committed) cross(g, ...toPx(a, S.committed.z1, S.committed.z2));
  if (S.hover) ring(ctx, g, a, S.hover.index);
  g.restore();
}

function ring(ctx, g, a, i) {
  // The linked digit: a thick magenta ring and its index, outlined in white to read on any colour.
  const [x, y] = toPx(a, ctx.P.z[2 * i], ctx.P.z[2 * i + 1]);
  g.beginPath(); g.arc(x, y, 10, 0, 2 * Math.PI);
  g.lineWidth = 5; g.strokeStyle = "white"; g.stroke(); g.lineWidth = 2.5; g.strokeStyle = "#d6006f"; g.stroke();
  g.font = "bold 12px sans-serif"; g.lineWidth = 3; g.strokeStyle = "white"; g.strokeText("#" + i, x + 12, y - 10);
  g.fillStyle = "#d6006f"; g.fillText("#" + i, x + 12, y - 10);
}

function cross(g, x, y) {
  g.lineCap = "round";
  for (const [w, col] of [[6, "white"], [3, "black"]]) {
    g.beginPath(); g.moveTo(x - 7, y - 7); g.lineTo(x + 7, y + 7); g.moveTo(x + 7, y - 7); g.lineTo(x - 7, y + 7);
    g.lineWidth = w; g.strokeStyle = col; g.stroke();
  }
}

function star(g, x, y) {
  g.beginPath();
  for (let i = 0; i < 10; i++) {
    const rr = i % 2 ? 6 : 14, t = -Math.PI / 2 + (i * Math.PI) / 5;
    g.lineTo(x + rr * Math.cos(t), y + rr * Math.sin(t));
  }
  g.closePath(); g.fillStyle = "black"; g.fill(); g.lineWidth = 2; g.strokeStyle = "white"; g.stroke();
}
