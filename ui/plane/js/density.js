// Feature: the density layer (the "Density" option, off by default): contour lines of the shown
// training digits' density over the view, on a canvas above the points, so the shape of a crowd shows
// even where its dots cover each other. The density is a 2-D histogram of the view (CELL px cells),
// blurred, on a log scale (a knot of thousands and an arm of dozens both get lines); LEVELS lines,
// evenly spaced from 10% to 90% of the log maximum, traced by marching squares. Recomputed each frame of
// a pan or zoom (about 60,000 points binned: a few ms).
import { blank, el, fitCanvas } from "./dom.js";
import { toggle } from "./toolbar.js";
import { area, visible } from "./hit.js";

const CELL = 8, LEVELS = 7;

export function install(ctx) {
  const { d } = ctx;
  const box = toggle(d.groups.layers, { testid: "lp-contours-toggle", label: "Density", name: "density", title: "Density: contour lines of where the digits crowd" });
  const c = el("canvas", { class: "lp-contours", "data-testid": "lp-contours" });
  d.stage.insertBefore(c, d.overlay);
  const redraw = () => draw(ctx, c, box.checked);
  box.onchange = redraw;
  for (const ev of ["ready", "relayouting", "relayout", "afterplot"]) ctx.on(ev, redraw);
}

// Log counts on an (nx + 1) x (ny + 1) grid of cell corners over the plot area, blurred twice.
function grid(ctx, a, nx, ny) {
  const { P } = ctx, vis = visible(ctx), v = new Float32Array((nx + 1) * (ny + 1));
  for (let i = 0; i < P.y.length; i++) {
    if (!vis[P.y[i]]) continue;
    const gx = Math.round(a.xa.l2p(P.z[2 * i]) / CELL), gy = Math.round(a.ya.l2p(P.z[2 * i + 1]) / CELL);
    if (gx >= 0 && gx <= nx && gy >= 0 && gy <= ny) v[gy * (nx + 1) + gx] += 1;
  }
  for (let pass = 0; pass < 2; pass++) {
    const t = v.slice();
    for (let y = 0; y <= ny; y++) for (let x = 0; x <= nx; x++) {
      let s = 0, n = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx >= 0 && xx <= nx && yy >= 0 && yy <= ny) { s += t[yy * (nx + 1) + xx]; n++; }
      }
      v[y * (nx + 1) + x] = s / n;
    }
  }
  for (let k = 0; k < v.length; k++) v[k] = Math.log1p(v[k]);
  return v;
}

function draw(ctx, c, on) {
  const { S, d } = ctx;
  if (!S.gd) return;
  S.contourSegments = 0;
  if (!on) return blank(c, d.plot);
  const { g, dpr } = fitCanvas(c, d.plot);
  const a = area(ctx), nx = Math.ceil(a.w / CELL), ny = Math.ceil(a.h / CELL), v = grid(ctx, a, nx, ny);
  let top = 0;
  for (const x of v) top = Math.max(top, x);
  g.setTransform(dpr, 0, 0, dpr, a.left * dpr, a.top * dpr);
  g.beginPath(); g.rect(0, 0, a.w, a.h); g.clip();
  g.strokeStyle = "rgba(20, 20, 20, 0.75)"; g.lineWidth = 1.2; g.beginPath();
  for (let k = 0; k < LEVELS; k++) S.contourSegments += march(g, v, nx, ny, top * (0.1 + (0.8 * k) / (LEVELS - 1)));
  g.stroke();
}

// Marching squares: the level-`t` line through each cell, as path segments; returns how many.
function march(g, v, nx, ny, t) {
  let n = 0;
  const at = (x, y) => v[y * (nx + 1) + x], cut = (p, q) => (t - p) / (q - p || 1e-9);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const a = at(x, y), b = at(x + 1, y), c = at(x + 1, y + 1), e = at(x, y + 1);
    const pts = [];
    if ((a > t) !== (b > t)) pts.push([x + cut(a, b), y]);
    if ((b > t) !== (c > t)) pts.push([x + 1, y + cut(b, c)]);
    if ((e > t) !== (c > t)) pts.push([x + cut(e, c), y + 1]);
    if ((a > t) !== (e > t)) pts.push([x, y + cut(a, e)]);
    for (let k = 0; k + 1 < pts.length; k += 2) {
      g.moveTo(pts[k][0] * CELL, pts[k][1] * CELL); g.lineTo(pts[k + 1][0] * CELL, pts[k + 1][1] * CELL); n++;
    }
  }
  return n;
}
