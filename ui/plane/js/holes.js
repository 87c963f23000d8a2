// The decoded map's holes (map.js, the "Map holes" layer): how far a spot of the plane is from the nearest
// training encoding, so the map can tint where the decoder has seen no digit and is guessing.
// The encodings are binned once per plane on a square grid, BINS bins along the longer side of their
// extent; an exact Euclidean distance transform of the occupied bins (Felzenszwalb and Huttenlocher's two
// passes) gives each bin's distance to the nearest occupied one. A spot outside the grid adds its distance
// to the grid's edge. The tint grows from 0 at NEAR bins to 1 at FULL bins (about 0.8 % and 3 % of the
// extent), whatever the zoom: a hole is a hole at every scale.
const BINS = 256, NEAR = 2, FULL = 8, INF = 1e20;

// {x0, y0, cell (data units a bin), gx, gy, dist (Float32Array gx * gy, in bins)} for the payload's encodings.
export function makeHoles(P) {
  const z = P.z, n = z.length / 2;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = z[2 * i], b = z[2 * i + 1];
    if (a < x0) x0 = a; if (a > x1) x1 = a; if (b < y0) y0 = b; if (b > y1) y1 = b;
  }
  const cell = Math.max(x1 - x0, y1 - y0, 1e-9) / BINS;
  const gx = Math.floor((x1 - x0) / cell) + 1, gy = Math.floor((y1 - y0) / cell) + 1;
  const f = new Float64Array(gx * gy).fill(INF);
  for (let i = 0; i < n; i++) {
    const c = Math.min(gx - 1, Math.floor((z[2 * i] - x0) / cell)), r = Math.min(gy - 1, Math.floor((z[2 * i + 1] - y0) / cell));
    f[r * gx + c] = 0;
  }
  transform(f, gx, gy);
  return { x0, y0, cell, gx, gy, dist: Float32Array.from(f, Math.sqrt) };
}

// The tint (0: near a training encoding ... 1: far from every one) at data point (z1, z2).
export function tintAt(H, z1, z2) {
  const c = Math.floor((z1 - H.x0) / H.cell), r = Math.floor((z2 - H.y0) / H.cell);
  const cc = Math.min(H.gx - 1, Math.max(0, c)), rr = Math.min(H.gy - 1, Math.max(0, r));
  const d = H.dist[rr * H.gx + cc] + Math.hypot(c - cc, r - rr); // in bins
  return Math.min(1, Math.max(0, (d - NEAR) / (FULL - NEAR)));
}

// Squared distances, in place: every column, then every row (f: 0 at an occupied bin, INF elsewhere).
function transform(f, gx, gy) {
  const m = Math.max(gx, gy), line = new Float64Array(m), out = new Float64Array(m);
  const v = new Int32Array(m), zz = new Float64Array(m + 1);
  for (let c = 0; c < gx; c++) {
    for (let r = 0; r < gy; r++) line[r] = f[r * gx + c];
    pass(line, gy, out, v, zz);
    for (let r = 0; r < gy; r++) f[r * gx + c] = out[r];
  }
  for (let r = 0; r < gy; r++) {
    for (let c = 0; c < gx; c++) line[c] = f[r * gx + c];
    pass(line, gx, out, v, zz);
    for (let c = 0; c < gx; c++) f[r * gx + c] = out[c];
  }
}

// One dimension: d[q] = min over p of (q - p)^2 + f[p] (the lower envelope of parabolas).
function pass(f, n, d, v, z) {
  let k = 0;
  v[0] = 0; z[0] = -Infinity; z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) { k--; s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]); }
    k++; v[k] = q; z[k] = s; z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}
