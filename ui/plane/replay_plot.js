// The replay's Plotly traces: the test sample as one scattergl trace coloured by label, and its trails
// as one line trace (NaN between points). enter() hides the training digits' class traces (their
// legend states are kept), leave() removes the replay's traces and shows the class traces as they were.
import { positionsAt, trailsAt } from "./history.js";

const POINTS = "replay-points", TRAILS = "replay-trails"; // trace `meta`, found again by it

const find = (gd, meta) => gd.data.findIndex((t) => t.meta === meta);

export function enter(ctx, R) {
  const { S, classes } = ctx, gd = S.gd, H = R.H;
  const nc = classes.length;
  R.visible = gd.data.slice(0, nc).map((t) => (t.visible === undefined ? true : t.visible));
  const colours = gd.data.slice(0, nc).map((t) => t.marker.color);
  const color = Array.from(H.y, (k) => colours[k % nc]);
  R.xs = new Float32Array(H.N); R.ys = new Float32Array(H.N);
  S.Plotly.restyle(gd, { visible: false }, classes.map((_, k) => k));
  S.Plotly.addTraces(gd, [
    { type: "scattergl", mode: "lines", meta: TRAILS, name: "trails", x: [], y: [], hoverinfo: "skip",
      showlegend: false, line: { width: 1, color: "rgba(60, 60, 60, 0.25)" } },
    { type: "scattergl", mode: "markers", meta: POINTS, name: `${H.N.toLocaleString("en")} test digits`,
      x: [], y: [], hoverinfo: "skip", marker: { size: 4, color, opacity: 0.85 } },
  ]);
}

export function render(ctx, R, trails) {
  const { S } = ctx, gd = S.gd, H = R.H;
  positionsAt(H, R.p, R.xs, R.ys);
  const xs = R.xs.slice(), ys = R.ys.slice(); // new arrays: Plotly keeps what it is given
  const [tx, ty] = trails ? trailsAt(H, R.p, xs, ys) : [[], []];
  const ip = find(gd, POINTS), it = find(gd, TRAILS);
  S.Plotly.restyle(gd, { x: [xs, tx], y: [ys, ty] }, [ip, it]);
}

export function leave(ctx, R) {
  const { S, classes } = ctx, gd = S.gd;
  const mine = [find(gd, POINTS), find(gd, TRAILS)].filter((i) => i >= 0);
  if (mine.length) S.Plotly.deleteTraces(gd, mine);
  S.Plotly.restyle(gd, { visible: R.visible }, classes.map((_, k) => k));
}
