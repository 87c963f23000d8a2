// The per-plane state object S. One per mounted plane: host.__lp (so a rerun with the same model keeps
// the drawn plot) and window.__livePlane[channel] (tests/e2e and bench/ read it: keep these field names).
//
//   sig         the payload's signature (byte length + its last 64 bytes)
//   stats       {moves, decodes, decodeMs[], hoverMs[], mapMs[], drawnAt, clicks}: bench/live_plane.py
//   P, dec, d   the parsed payload, the decoder, the DOM (dom.js's buildDom)
//   Plotly, gd  Plotly and the plot's graph div, once drawn (null before)
//   committed   the chosen point {z1, z2, index|null}; neigh: its 8 nearest training digits' indices
//   star        the uploaded digit's [z1, z2] or null; A, B, nextEnd: the interpolation's ends
//   link        the linked-plane group or null; linked: whether the layout is the linked one
//   hover       the linked digit shown {index, here} or null; viewKey: the last view applied (JSON)
//   mapView     the data ranges the decoded map was drawn for; failed: why the plane could not start

export function createState(sig) {
  return { sig, stats: { moves: 0, decodes: 0, decodeMs: [], hoverMs: [], mapMs: [], drawnAt: null, clicks: 0 } };
}

export function initState(S, P, dec, d, channel) {
  S.dec = dec; S.P = P; S.d = d;
  S.committed = null; S.neigh = []; S.star = null; S.A = null; S.B = null; S.nextEnd = "A";
  S.link = null; S.hover = null;
  (window.__livePlane = window.__livePlane || {})[channel] = S;
}

// The plane cannot run here: say so on it, and tell Python (ui/plane/component.py shows one line instead).
export function fail(S, root, setStateValue, e) {
  const m = root.querySelector(".lp-msg"), loading = root.querySelector(".lp-loading");
  if (loading) loading.remove(); // firstpaint.js's "Loading the interactive plot…": it will not load
  if (m) { m.hidden = false; m.textContent = "The live plane could not start: " + (e && e.message ? e.message : e); }
  S.failed = String(e && e.message ? e.message : e);
  setStateValue("error", S.failed);
}
