// The plane's data, parsed without copying the arrays twice.
//
// bytes = "LEPK" + uint32 n + channel (n bytes, padded to 4) + model/net/export_weights.py's payload
// ("LEP1" + uint32 n + JSON header + the arrays it lists). The channel names this plane.
// Returns {header, layers: [{in, out, act, w, b}], z: Float32Array (2 per point), y: labels, channel,
// arrays: every named array (the replay reads the history's h_* arrays)}.

export function parsePayload(u8) {
  const buf = u8.slice().buffer; // the websocket view sits at any offset: copy before Float32Array
  const dv = new DataView(buf);
  let base = 0, channel = "";
  if (String.fromCharCode(...new Uint8Array(buf, 0, 4)) === "LEPK") {
    const n = dv.getUint32(4, true);
    channel = new TextDecoder().decode(new Uint8Array(buf, 8, n));
    base = (8 + n + 3) & ~3;
  }
  if (String.fromCharCode(...new Uint8Array(buf, base, 4)) !== "LEP1") throw new Error("not a live-plane payload");
  const n = dv.getUint32(base + 4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, base + 8, n)));
  const data = base + ((8 + n + 3) & ~3);
  const kinds = { float32: Float32Array, uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array };
  const arrays = {};
  for (const s of header.arrays) {
    const T = kinds[s.dtype];
    arrays[s.name] = new T(buf, data + s.offset, s.nbytes / T.BYTES_PER_ELEMENT);
  }
  const layers = header.layers.map((l, i) => ({ ...l, w: arrays["w" + i], b: arrays["b" + i] }));
  return { header, layers, z: arrays.z, y: arrays.y, channel, arrays };
}
