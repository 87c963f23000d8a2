// A model's training history as the replay needs it, and the sample's positions at any moment.
//
// The payload's h_* arrays (model/net/export_weights.py's history_arrays): h_t (S snapshot times, in
// epochs), h_z (S x N x 2 float16 bit patterns, widened once here), h_y (labels), h_index (test
// positions), h_loss and h_val_loss (one a finished epoch). A position p runs over 0 .. S - 1 in
// snapshot steps; between two snapshots the points ease (smoothstep), so motion starts and ends softly.

function half(u) {
  const e = (u >> 10) & 31, f = u & 1023, s = u & 0x8000 ? -1 : 1;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

// {t, z (Float32Array S*N*2), y, index, loss, valLoss, S, N, epochs} or null for a model without history.
export function readHistory(P) {
  const h = P.header.history, a = P.arrays || {};
  if (!h || !a.h_z || !a.h_t) return null;
  const z = new Float32Array(a.h_z.length);
  for (let i = 0; i < z.length; i++) z[i] = half(a.h_z[i]);
  const S = a.h_t.length, N = a.h_y.length;
  return { t: a.h_t, z, y: a.h_y, index: a.h_index, loss: a.h_loss, valLoss: a.h_val_loss, S, N,
    epochs: a.h_loss.length };
}

const ease = (f) => f * f * (3 - 2 * f);

// The snapshot pair around position p and the eased weight of the later one.
function around(H, p) {
  const q = Math.min(Math.max(p, 0), H.S - 1), i = Math.min(Math.floor(q), H.S - 2);
  return i < 0 ? [0, 0, 0] : [i, i + 1, ease(q - i)];
}

// The epoch shown at position p.
export function epochAt(H, p) {
  const [i, j, w] = around(H, p);
  return H.t[i] + w * (H.t[j] - H.t[i]);
}

// The position at which epoch t is shown (for a linked plane following another model's replay).
export function positionAt(H, t) {
  if (t <= H.t[0]) return 0;
  for (let i = 0; i + 1 < H.S; i++) {
    if (t <= H.t[i + 1]) {
      const w = (t - H.t[i]) / (H.t[i + 1] - H.t[i]); // eased weight: invert smoothstep by bisection
      let lo = 0, hi = 1;
      for (let k = 0; k < 30; k++) { const m = (lo + hi) / 2; if (ease(m) < w) lo = m; else hi = m; }
      return i + (lo + hi) / 2;
    }
  }
  return H.S - 1;
}

// The sample's x and y at position p, into xs, ys (Float32Array N each).
export function positionsAt(H, p, xs, ys) {
  const [i, j, w] = around(H, p), N = H.N, a = i * N * 2, b = j * N * 2, z = H.z;
  for (let n = 0; n < N; n++) {
    xs[n] = z[a + 2 * n] + w * (z[b + 2 * n] - z[a + 2 * n]);
    ys[n] = z[a + 2 * n + 1] + w * (z[b + 2 * n + 1] - z[a + 2 * n + 1]);
  }
}
