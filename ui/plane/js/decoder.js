// The dense decoder, run on the payload's layers: decode(z1, z2, out?) fills and returns a Float32Array
// of the last layer's width (784 for a digit). Activations as model/net/fast.py: relu, sigmoid, silu, linear.

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

// The payload's layers as {n inputs, m outputs, w, b, act} with act one of activate()'s codes.
function denseLayers(layers) {
  const ACT = { relu: 1, sigmoid: 2, silu: 3 };
  return layers.map((l) => ({ n: l.in, m: l.out, w: l.w, b: l.b, act: ACT[l.act] || 0 }));
}

// In place on a[from..to): 1 relu, 2 the sigmoid 0.5 * tanh(x / 2) + 0.5, 3 silu x * sigmoid(x).
function activate(a, from, to, act) {
  if (act === 1) for (let j = from; j < to; j++) { if (a[j] < 0) a[j] = 0; }
  else if (act === 2) for (let j = from; j < to; j++) a[j] = 0.5 * Math.tanh(0.5 * a[j]) + 0.5;
  else if (act === 3) for (let j = from; j < to; j++) a[j] *= 0.5 * Math.tanh(0.5 * a[j]) + 0.5;
}

function wasmDecoder(layers) {
  const L = denseLayers(layers);
  if (typeof WebAssembly !== "object" || !L.every((l) => l.m % 4 === 0)) return null;
  let inst;
  try {
    const bytes = Uint8Array.from(atob(DENSE_WASM), (c) => c.charCodeAt(0));
    inst = new WebAssembly.Instance(new WebAssembly.Module(bytes)); // 240 bytes: synchronous is allowed
  } catch (e) {
    return null; // no WebAssembly SIMD here: the JavaScript decoder
  }
  const mem = inst.exports.mem, dense = inst.exports.dense;
  // Memory: the input (2 floats), two ping-pong activations, then every layer's W and b; 16-byte aligned.
  const widest = Math.max(4, ...L.map((l) => Math.max(l.n, l.m)));
  let need = 16 + 2 * (widest * 4 + 16);
  for (const l of L) need += (l.n * l.m + l.m) * 4 + 32;
  const pages = Math.ceil(need / 65536) - mem.buffer.byteLength / 65536;
  if (pages > 0) mem.grow(pages);
  const f32 = new Float32Array(mem.buffer);
  let at = 0;
  const take = (n) => { const p = at; at += Math.ceil(n / 4) * 16; return p; };
  const xin = take(4), bufs = [take(widest), take(widest)];
  const P = L.map((l) => {
    const w = take(l.n * l.m), b = take(l.m);
    f32.set(l.w, w / 4); f32.set(l.b, b / 4);
    return { w, b };
  });
  return function decode(z1, z2, out) {
    f32[xin / 4] = z1; f32[xin / 4 + 1] = z2;
    let x = xin;
    for (let k = 0; k < L.length; k++) {
      const l = L[k], y = bufs[k % 2], m = l.m, o = y / 4;
      dense(x, l.n, P[k].w, P[k].b, m, y);
      activate(f32, o, o + m, l.act);
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
      activate(y, 0, m, l.act);
      x = y;
      sparse = l.act === 1;
    }
    const o = out || new Float32Array(L[L.length - 1].m);
    for (let j = 0; j < o.length; j++) o[j] = x[j];
    return o;
  }
  return { decode };
}
