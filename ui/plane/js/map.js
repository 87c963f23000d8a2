// Feature: the decoded map behind the points, a grid of decoded digits over the current view.
// It is decoded again after each pan/zoom (when shown) and, mid-drag, the last one follows the axes.
// With "Map holes" on, each cell is tinted by how far its centre is from every training encoding
// (holes.js): S.mapView.tint holds each cell's tint, row by row from the top (the test view reports it).
import { download, paint } from "./dom.js";
import { area, toPx } from "./hit.js";
import { makeHoles, tintAt } from "./holes.js";

const HOLE = [214, 0, 111]; // the tint's colour (the linked digit's magenta), at up to MAX_ALPHA
const MAX_ALPHA = 0.6;
const HOLES = new WeakMap(); // payload -> its holes grid (holes.js), made the first time it is asked for

export function install(ctx) {
  const { S, d } = ctx, off = document.createElement("canvas"); // the decoded grid, at 28 px a cell
  S.mapView = null; // the data ranges `off` was decoded for
  const redraw = () => (d.mapToggle.checked ? computeMap(ctx, off) : drawMap(ctx, off));
  ctx.on("relayouting", () => drawMap(ctx, off));
  ctx.on("relayout", redraw);
  ctx.on("afterplot", () => drawMap(ctx, off));
  ctx.on("ready", () => {
    d.mapToggle.onchange = redraw;
    d.holesToggle.onchange = () => { if (d.holesToggle.checked) d.mapToggle.checked = true; redraw(); }; // holes need the map
    d.density.onchange = () => d.mapToggle.checked && computeMap(ctx, off);
    d.mapPng.onclick = () => { if (!S.mapView) computeMap(ctx, off); download(off, "latent_map.png"); };
  });
}

function computeMap(ctx, off) {
  const { S, d } = ctx, t = performance.now(), a = area(ctx);
  const n = +d.density.value, rows = Math.max(1, Math.round((n * a.h) / a.w));
  off.width = n * 28; off.height = rows * 28;
  const g = off.getContext("2d"), img = new Float32Array(784);
  const [vx0, vx1] = a.xa.range, [vy0, vy1] = a.ya.range;
  const H = d.holesToggle.checked ? holes(ctx.P) : null, tint = H ? new Float32Array(n * rows) : null;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < n; c++) {
      const z1 = vx0 + ((c + 0.5) / n) * (vx1 - vx0), z2 = vy1 - ((r + 0.5) / rows) * (vy1 - vy0);
      ctx.dec.decode(z1, z2, img);
      paint(g, img, c * 28, r * 28);
      if (H && (tint[r * n + c] = tintAt(H, z1, z2)) > 0) {
        g.fillStyle = `rgba(${HOLE.join(", ")}, ${(MAX_ALPHA * tint[r * n + c]).toFixed(3)})`;
        g.fillRect(c * 28, r * 28, 28, 28);
      }
    }
  }
  S.mapView = { x: [vx0, vx1], y: [vy0, vy1], n, rows, tint: tint && Array.from(tint) };
  drawMap(ctx, off);
  S.stats.mapMs.push(performance.now() - t);
  d.map.setAttribute("data-painted", String(S.stats.mapMs.length));
}

function holes(P) {
  if (!HOLES.has(P)) HOLES.set(P, makeHoles(P));
  return HOLES.get(P);
}

function drawMap(ctx, off) {
  const { S, d } = ctx;
  const r = d.plot.getBoundingClientRect(), dpr = window.devicePixelRatio || 1, c = d.map;
  c.width = r.width * dpr; c.height = r.height * dpr; c.style.width = r.width + "px"; c.style.height = r.height + "px";
  if (!d.mapToggle.checked || !S.mapView) return;
  const g = c.getContext("2d"), a = area(ctx), v = S.mapView;
  g.scale(dpr, dpr); g.imageSmoothingEnabled = false;
  g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
  const [px0, py0] = toPx(a, v.x[0], v.y[1]), [px1, py1] = toPx(a, v.x[1], v.y[0]); // follows a pan mid-drag
  g.drawImage(off, px0, py0, px1 - px0, py1 - py0);
  g.restore();
}
