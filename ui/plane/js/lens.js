// Feature: the spread view, a fisheye lens under the pointer (the "Lens" option). Inside a circle of
// R px around the pointer the points are spread apart (Sarkar-Brown fisheye: a point r px from the
// centre is drawn at R (M + 1) (r / R) / (M r / R + 1), so the centre is magnified M + 1 times and the
// rim meets the plot unchanged); the rest of the plane stays as it is. The centre is never moved,
// so the digit decoded under the pointer and what a click picks are the TRUE (z1, z2) there: the
// lens only draws, hit testing is the plot's own. The plot's data-lens attribute counts the points drawn.
import { blank, el, fitCanvas } from "./dom.js";
import { toggle } from "./toolbar.js";
import { area, toPx, visible } from "./hit.js";
import { PALETTE } from "./palette.js";

const R = 90, M = 3;

export function install(ctx) {
  const { d } = ctx;
  const box = toggle(d.groups.layers, { testid: "lp-lens-toggle", label: "Lens", name: "lens", title: "Lens: magnify the points under the pointer" });
  const c = el("canvas", { class: "lp-lens", "data-testid": "lp-lens" }, d.stage); // above the overlay
  const L = { on: () => box.checked, at: null };
  box.onchange = () => draw(ctx, c, L);
  ctx.on("hover", (z) => { L.at = z; draw(ctx, c, L); });
  ctx.on("relayouting", () => { L.at = null; draw(ctx, c, L); });
}

function draw(ctx, c, L) {
  const { S, P, d } = ctx;
  if (!S.gd) return;
  d.plot.setAttribute("data-lens", "0");
  S.lensPoints = 0;
  if (!L.on() || !L.at) return blank(c, d.plot);
  const { g, dpr } = fitCanvas(c, d.plot);
  const a = area(ctx), [cx, cy] = toPx(a, L.at[0], L.at[1]), vis = visible(ctx), order = S.order;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
  g.beginPath(); g.arc(cx, cy, R, 0, 2 * Math.PI); g.fillStyle = "rgba(255, 255, 255, 0.94)"; g.fill();
  g.clip();
  let n = 0;
  for (let k = 0; k < P.y.length; k++) {
    const i = order ? order[k] : k;
    if (!vis[P.y[i]]) continue;
    const [x, y] = toPx(a, P.z[2 * i], P.z[2 * i + 1]), dx = x - cx, dy = y - cy, rr = Math.hypot(dx, dy);
    if (rr >= R) continue;
    const f = rr ? ((M + 1) * R) / (M * rr + R) : M + 1; // r' / r
    g.fillStyle = PALETTE[P.y[i] % PALETTE.length];
    g.fillRect(cx + dx * f - 1.5, cy + dy * f - 1.5, 3, 3);
    n++;
  }
  g.restore();
  g.beginPath(); g.arc(cx, cy, R, 0, 2 * Math.PI); g.lineWidth = 1.5; g.strokeStyle = "rgba(60, 60, 60, 0.8)"; g.stroke();
  g.beginPath(); g.moveTo(cx - 6, cy); g.lineTo(cx + 6, cy); g.moveTo(cx, cy - 6); g.lineTo(cx, cy + 6); g.stroke();
  d.plot.setAttribute("data-lens", String(n));
  S.lensPoints = n;
}
