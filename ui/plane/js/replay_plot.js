// Drawing the replay: the test sample's points (coloured by label) and their trails on a canvas of its
// own over the plot area, in the plot's axes (hit.js's toPx), so a frame is a few milliseconds of 2-D
// canvas work and never a Plotly redraw. enter() hides the training digits' class traces (their legend
// states kept) and shows the canvas; leave() does the opposite. R.shown holds the positions drawn last
// (data units), which tests read. Trails up to the last passed snapshot are cached per view.
import { el } from "./dom.js";
import { area, toPx } from "./hit.js";
import { positionsAt } from "./history.js";

export function enter(ctx, R) {
  const { S, d, classes } = ctx, gd = S.gd, H = R.H, nc = classes.length;
  R.visible = gd.data.slice(0, nc).map((t) => (t.visible === undefined ? true : t.visible));
  R.colours = gd.data.slice(0, nc).map((t) => t.marker.color);
  R.shown = { x: new Float32Array(H.N), y: new Float32Array(H.N) };
  if (!R.canvas) R.canvas = el("canvas", { class: "lp-replay-canvas", "data-testid": "lp-replay-canvas" });
  d.overlay.before(R.canvas);
  R.canvas.hidden = false;
  R.trailKey = null;
  S.Plotly.restyle(gd, { visible: false }, classes.map((_, k) => k));
}

export function leave(ctx, R) {
  const { S, classes } = ctx;
  R.canvas.hidden = true;
  S.Plotly.restyle(S.gd, { visible: R.visible }, classes.map((_, k) => k));
}

// Size and place the canvas over the plot area only (device pixels; fewer pixels to composite each
// frame), and return its 2-D context, cleared, drawing in the plot's CSS pixels (as toPx gives them).
// The area comes from Plotly's layout, so no frame forces the page's layout.
function prepare(c, a) {
  const dpr = window.devicePixelRatio || 1, W = Math.ceil(a.w * dpr), H = Math.ceil(a.h * dpr);
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; c.style.width = a.w + "px"; c.style.height = a.h + "px"; }
  if (c.style.left !== a.left + "px") { c.style.left = a.left + "px"; c.style.top = a.top + "px"; }
  const g = c.getContext("2d");
  g.setTransform(1, 0, 0, 1, 0, 0); g.clearRect(0, 0, W, H);
  g.setTransform(dpr, 0, 0, dpr, -a.left * dpr, -a.top * dpr);
  return g;
}

export function render(ctx, R, trails) {
  if (!ctx.S.gd || !R.on) return;
  const H = R.H, a = area(ctx), g = prepare(R.canvas, a);
  positionsAt(H, R.p, R.shown.x, R.shown.y);
  g.save(); g.beginPath(); g.rect(a.left, a.top, a.w, a.h); g.clip();
  if (trails) drawTrails(ctx, R, g, a);
  const vis = R.visible;
  for (let k = 0; k < R.colours.length; k++) {
    if (vis[k] !== true) continue; // a class hidden in the legend stays hidden in the replay
    g.beginPath(); // 4 x 4 squares on whole pixels: far cheaper to rasterise than 2,000 anti-aliased discs
    for (let n = 0; n < H.N; n++) {
      if (H.y[n] !== k) continue;
      const [x, y] = toPx(a, R.shown.x[n], R.shown.y[n]);
      g.rect(Math.round(x) - 2, Math.round(y) - 2, 4, 4);
    }
    g.fillStyle = R.colours[k]; g.fill();
  }
  g.restore();
}

// Each point's path through the snapshots passed so far (cached) and on to where it is now.
function drawTrails(ctx, R, g, a) {
  const H = R.H, last = Math.min(Math.floor(R.p), H.S - 1), N = H.N;
  const key = `${last}:${a.xa.range}:${a.ya.range}:${R.canvas.width}x${R.canvas.height}`;
  if (key !== R.trailKey) {
    R.trailKey = key;
    R.trailCache = R.trailCache || document.createElement("canvas");
    const c = R.trailCache; c.width = R.canvas.width; c.height = R.canvas.height;
    const t = c.getContext("2d"), dpr = window.devicePixelRatio || 1;
    t.setTransform(dpr, 0, 0, dpr, -a.left * dpr, -a.top * dpr); t.beginPath();
    for (let n = 0; n < N; n++) {
      for (let s = 0; s <= last; s++) {
        const [x, y] = toPx(a, H.z[(s * N + n) * 2], H.z[(s * N + n) * 2 + 1]);
        if (s) t.lineTo(x, y); else t.moveTo(x, y);
      }
    }
    t.lineWidth = 0.7; t.strokeStyle = "rgba(60, 60, 60, 0.22)"; t.stroke();
  }
  g.save(); g.setTransform(1, 0, 0, 1, 0, 0); g.drawImage(R.trailCache, 0, 0); g.restore();
  g.beginPath();
  for (let n = 0; n < N; n++) {
    const [x0, y0] = toPx(a, H.z[(last * N + n) * 2], H.z[(last * N + n) * 2 + 1]);
    const [x1, y1] = toPx(a, R.shown.x[n], R.shown.y[n]);
    g.moveTo(x0, y0); g.lineTo(x1, y1);
  }
  g.lineWidth = 0.7; g.strokeStyle = "rgba(60, 60, 60, 0.22)"; g.stroke();
}
