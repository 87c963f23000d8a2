// The dense decoder, run on the payload's layers: decode(z1, z2, out?) fills and returns a Float32Array
// of the last layer's width (784 for a digit). Activations as model/net/fast.py: relu, sigmoid, silu, linear,
// tanh, elu, leaky_relu, gelu (exact or approximate) and softplus, with any layer width.

// ui/plane/js/dense.wat assembled (240 bytes): y = b + x @ W in 4-wide float32 SIMD. Rebuild after editing it:
//   npm install wabt@1.0.37 && node -e 'require("wabt")().then(w => console.log(Buffer.from(w.parseWat("d",
//     require("fs").readFileSync("ui/plane/js/dense.wat", "utf8")).toBinary({}).buffer).toString("base64")))'
const DENSE_WASM = "AGFzbQEAAAABCgFgBn9/f39/fwADAgEABQMBAAEHDwIDbWVtAgAFZGVuc2UAAAq/AQG8AQMDfwF9AXsgBSAEQQJ0aiEHIAUhBgJAA0AgBiAHTw0BIAYgAyAGIAVrav0ABAD9CwQAIAZBEGohBgwACwsgACABQQJ0aiEIAkADQCAAIAhPDQEgACoCACEJIAlDAAAAAFwEQCAJ/RMhCiAFIQYCQANAIAYgB08NASAGIAb9AAQAIAogAv0ABAD95gH95AH9CwQAIAZBEGohBiACQRBqIQIMAAsLBSACIARBAnRqIQILIABBBGohAAwACwsL";

export function makeDecoder(layers, { wasm = true } = {}) {
  // The decoder under the pointer: WebAssembly SIMD where the browser has it, else plain JavaScript
  // (their speeds: docs/performance.md, The live plane). Both give model/net/fast.py's
  // answer (tests/e2e/test_live_plane_decoder.py). `kind` says which one runs.
  const fast = wasm ? wasmDecoder(layers) : null;
  return fast ? { decode: fast, kind: "wasm" } : { decode: jsDecoder(layers).decode, kind: "js" };
}

// The payload's layers as {n inputs, m outputs, w, b, act, p} with act one of activate()'s codes and p its
// parameter: "leaky_relu:0.3" and "elu:0.5" as model/net/fast.py names them (Keras's defaults without one).
function denseLayers(layers) {
  const ACT = { relu: 1, sigmoid: 2, silu: 3, tanh: 4, elu: 5, leaky_relu: 6, gelu: 7, gelu_approximate: 8,
    softplus: 9 };
  const P = { elu: 1.0, leaky_relu: 0.2 };
  return layers.map((l) => {
    const [name, param] = String(l.act).split(":");
    const p = param === undefined ? P[name] || 0 : Number(param);
    return { n: l.in, m: l.out, w: l.w, b: l.b, act: ACT[name] || 0, p };
  });
}

// erf to ~1.2e-7 (Numerical Recipes' erfc, Chebyshev fit): JavaScript has no Math.erf; gelu needs it.
function erf(x) {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
    + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

// In place on a[from..to): 1 relu, 2 the sigmoid 0.5 * tanh(x / 2) + 0.5, 3 silu x * sigmoid(x), 4 tanh,
// 5 elu (alpha p), 6 leaky_relu (slope p), 7 gelu (exact, erf), 8 gelu (tanh approximation), 9 softplus.
function activate(a, from, to, act, p) {
  if (act === 1) for (let j = from; j < to; j++) { if (a[j] < 0) a[j] = 0; }
  else if (act === 2) for (let j = from; j < to; j++) a[j] = 0.5 * Math.tanh(0.5 * a[j]) + 0.5;
  else if (act === 3) for (let j = from; j < to; j++) a[j] *= 0.5 * Math.tanh(0.5 * a[j]) + 0.5;
  else if (act === 4) for (let j = from; j < to; j++) a[j] = Math.tanh(a[j]);
  else if (act === 5) for (let j = from; j < to; j++) { if (a[j] <= 0) a[j] = p * Math.expm1(a[j]); }
  else if (act === 6) for (let j = from; j < to; j++) { if (a[j] < 0) a[j] *= p; }
  else if (act === 7) for (let j = from; j < to; j++) a[j] = 0.5 * a[j] * (1 + erf(a[j] / Math.SQRT2));
  else if (act === 8) {
    const c = Math.sqrt(2 / Math.PI);
    for (let j = from; j < to; j++) { const x = a[j]; a[j] = 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x))); }
  } else if (act === 9) for (let j = from; j < to; j++) { const x = a[j]; a[j] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
}

function wasmDecoder(layers) {
  const L = denseLayers(layers);
  if (typeof WebAssembly !== "object") return null;
  let inst;
  try {
    const bytes = Uint8Array.from(atob(DENSE_WASM), (c) => c.charCodeAt(0));
    inst = new WebAssembly.Instance(new WebAssembly.Module(bytes)); // 240 bytes: synchronous is allowed
  } catch (e) {
    return null; // no WebAssembly SIMD here: the JavaScript decoder
  }
  const mem = inst.exports.mem, dense = inst.exports.dense;
  // dense.wat works 4 outputs at a time: each layer's outputs are padded to mp, a multiple of 4, with
  // zero columns of W and zeros of b. The padding is never read: the next layer reads its n real inputs.
  for (const l of L) l.mp = Math.ceil(l.m / 4) * 4;
  // Memory: the input (2 floats), two ping-pong activations, then every layer's W and b; 16-byte aligned.
  const widest = Math.max(4, ...L.map((l) => Math.max(l.n, l.mp)));
  let need = 16 + 2 * (widest * 4 + 16);
  for (const l of L) need += (l.n * l.mp + l.mp) * 4 + 32;
  const pages = Math.ceil(need / 65536) - mem.buffer.byteLength / 65536;
  if (pages > 0) mem.grow(pages);
  const f32 = new Float32Array(mem.buffer); // zeros until set: the padding stays 0
  let at = 0;
  const take = (n) => { const p = at; at += Math.ceil(n / 4) * 16; return p; };
  const xin = take(4), bufs = [take(widest), take(widest)];
  const P = L.map((l) => {
    const w = take(l.n * l.mp), b = take(l.mp);
    if (l.mp === l.m) f32.set(l.w, w / 4);
    else for (let i = 0; i < l.n; i++) f32.set(l.w.subarray(i * l.m, (i + 1) * l.m), w / 4 + i * l.mp);
    f32.set(l.b, b / 4);
    return { w, b };
  });
  return function decode(z1, z2, out) {
    f32[xin / 4] = z1; f32[xin / 4 + 1] = z2;
    let x = xin;
    for (let k = 0; k < L.length; k++) {
      const l = L[k], y = bufs[k % 2], m = l.m, o = y / 4;
      dense(x, l.n, P[k].w, P[k].b, l.mp, y);
      activate(f32, o, o + m, l.act, l.p);
      x = y;
    }
    const m = L[L.length - 1].m, res = out || new Float32Array(m);
    res.set(f32.subarray(x / 4, x / 4 + m));
    return res;
  };
}

function jsDecoder(layers) {
  // Dense forward pass as model/net/fast.py: x @ W + b, then activate(). Kernel (in, out)
  // row-major: each input adds its row to the outputs. Sums are kept in Float64Arrays (no float32 rounding at every add). After a relu most
  // inputs are 0 and are skipped one by one; after silu none are, so four input rows are added per
  // pass over the outputs (a quarter of the loads and stores of y; about half the time per decode).
  const L = denseLayers(layers);
  const widest = Math.max(...L.map((l) => l.m));
  const bufs = [new Float64Array(widest), new Float64Array(widest)];
  const x0 = new Float64Array(2);
  function decode(z1, z2, out) {
    x0[0] = z1; x0[1] = z2;
    let x = x0, sparse = true;
    for (let k = 0; k < L.length; k++) {
      const l = L[k], n = l.n, m = l.m, w = l.w, b = l.b, y = bufs[k % 2];
      for (let j = 0; j < m; j++) y[j] = b[j];
      let i = 0;
      if (!sparse) {
        for (; i + 3 < n; i += 4) {
          const a0 = x[i], a1 = x[i + 1], a2 = x[i + 2], a3 = x[i + 3];
          const r0 = i * m, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
          for (let j = 0; j < m; j++) y[j] += a0 * w[r0 + j] + a1 * w[r1 + j] + a2 * w[r2 + j] + a3 * w[r3 + j];
        }
      }
      for (; i < n; i++) {
        const xi = x[i];
        if (xi === 0) continue;
        for (let j = 0, r = i * m; j < m; j++) y[j] += xi * w[r + j];
      }
      activate(y, 0, m, l.act, l.p);
      x = y;
      sparse = l.act === 1;
    }
    const o = out || new Float32Array(L[L.length - 1].m);
    for (let j = 0; j < o.length; j++) o[j] = x[j];
    return o;
  }
  return { decode };
}
