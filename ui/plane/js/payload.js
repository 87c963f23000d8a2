// The plane's data, parsed without copying the arrays twice.
//
// bytes = "LEPK" + uint32 n + channel (n bytes, padded to 4) + model/net/export_weights.py's payload
// ("LEP1" + uint32 n + JSON header + the arrays it lists). The channel names this plane.
// Returns {header, layers: [{in, out, act, w, b}], z: Float32Array (2 per point), y: labels, channel,
// arrays: every named array (the replay reads the history's h_* arrays)}.
//
// The component's data is usually a reference {channel, url, sha, nbytes} to the payload's file under
// the app's static folder (ui/plane/publish.py): loadPayload fetches it once per page and sha, so
// Compare's two planes and a return to a page reuse the bytes. Inline bytes (the server could not
// write the file) load as they are.

// sha -> Promise<Uint8Array>; on window too, so every copy of this module shares it
const CACHE = (window.__lpPayloads = window.__lpPayloads || new Map());

// The plane's identity: a new one means another model (or another payload) for this plane.
export function payloadSig(data) {
  if (!data) return null;
  if (data.sha) return "ref:" + data.sha + ":" + data.nbytes;
  if (!data.byteLength) return null;
  return data.byteLength + ":" + Array.from(data.subarray(data.byteLength - 64)).join(",");
}

// A URL relative to the app's base (such as "app/static/lp/..."), made absolute against this page's.
export function absolute(url) {
  return new URL(url, document.baseURI.replace(/[^/]*$/, "")).href;
}

// Promise<Uint8Array> of the payload bytes; rejects (the plane then reports the error) when unreachable.
export function loadPayload(data) {
  if (!data.url) return Promise.resolve(data);
  if (!CACHE.has(data.sha)) {
    // "Range: bytes=0-" asks for the whole file as a partial response, which the server sends as it is:
    // it would otherwise gzip these megabytes of floats on every request, for little (docs/performance.md).
    const p = fetch(absolute(data.url), { headers: { Range: "bytes=0-" } })
      .then((r) => {
        if (!r.ok) throw new Error("its data could not be fetched (HTTP " + r.status + ")");
        return r.arrayBuffer();
      })
      .then((buf) => {
        if (buf.byteLength !== data.nbytes) throw new Error("its data arrived incomplete");
        return new Uint8Array(buf);
      });
    p.catch(() => CACHE.delete(data.sha)); // a later mount tries again
    CACHE.set(data.sha, p);
  }
  return CACHE.get(data.sha);
}

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
