// Which training digits a box or a lasso holds, decided as model/plane/selection.py decides it, so the
// plane lights what Python counts: a box holds its edges (x0 <= z1 <= x1, y0 <= z2 <= y1); a lasso uses
// the even-odd rule, a point toggling for each edge whose z2 band [min, max) holds it and which crosses
// the horizontal ray to its right. A shape's hidden classes are never members. The lasso's edges are
// sorted into BANDS horizontal bands first, so each point tests the few edges of its own band.

const BANDS = 256;

/**
 * Mark the members of `shape` in `out` (1 per member; others are left as they are: a union).
 * @param {{z: Float32Array, y: ArrayLike<number>}} P  the payload: z two floats a point, y the labels
 * @param {{kind: string, x: number[], y: number[], hidden?: number[]}} shape  in data coordinates
 * @param {Uint8Array} out  one byte per training digit
 * @returns {Uint8Array} out
 */
export function addMembers(P, shape, out) {
  const hidden = new Set(shape.hidden || []), n = P.y.length, z = P.z;
  const test = shape.kind === "box" ? boxTest(shape) : lassoTest(shape);
  if (!test) return out;
  for (let i = 0; i < n; i++) {
    if (!out[i] && !(hidden.size && hidden.has(P.y[i])) && test(z[2 * i], z[2 * i + 1])) out[i] = 1;
  }
  return out;
}

/** @returns {Uint8Array} the members of any of `shapes` (a union), one byte per training digit */
export function members(P, shapes) {
  const out = new Uint8Array(P.y.length);
  for (const s of shapes) addMembers(P, s, out);
  return out;
}

function boxTest(s) {
  const x0 = Math.min(s.x[0], s.x[1]), x1 = Math.max(s.x[0], s.x[1]);
  const y0 = Math.min(s.y[0], s.y[1]), y1 = Math.max(s.y[0], s.y[1]);
  return (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

// The even-odd test of a polygon (xs, ys), closed from its last vertex to its first. Each band's edges are
// stored flat (E[off[q] .. off[q + 1]]: x0, y0, x1, y1, min y, max y per edge) for a tight inner loop.
function lassoTest(s) {
  const px = s.x, py = s.y, m = px.length;
  if (m < 3) return null;
  const lo = Math.min(...py), hi = Math.max(...py), xhi = Math.max(...px), step = (hi - lo) / BANDS || 1;
  const bands = Array.from({ length: BANDS }, () => []);
  for (let k = 0; k < m; k++) { // edge k: (px[k], py[k]) -> (px[k+1], py[k+1]); horizontal ones never cross
    const j = (k + 1) % m, a = Math.min(py[k], py[j]), b = Math.max(py[k], py[j]);
    if (a === b) continue;
    const f = Math.max(0, Math.floor((a - lo) / step)), l = Math.min(BANDS - 1, Math.floor((b - lo) / step));
    for (let q = f; q <= l; q++) bands[q].push(px[k], py[k], px[j], py[j], a, b);
  }
  const off = new Int32Array(BANDS + 1);
  bands.forEach((e, q) => { off[q + 1] = off[q] + e.length; });
  const E = Float64Array.from(bands.flat());
  return (x, y) => {
    if (y < lo || y >= hi || x >= xhi) return false; // outside every edge's band, or right of every edge
    const q = Math.min(BANDS - 1, Math.floor((y - lo) / step)), end = off[q + 1];
    let odd = false;
    for (let e = off[q]; e < end; e += 6) {
      if (y >= E[e + 4] && y < E[e + 5] && x < E[e] + ((y - E[e + 1]) * (E[e + 2] - E[e])) / (E[e + 3] - E[e + 1])) odd = !odd;
    }
    return odd;
  };
}
