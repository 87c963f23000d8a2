// The per-plane state S: every field of it is declared here, in one typedef and in createState(), and
// the object is sealed, so a field set anywhere else throws. A feature that needs a field adds it here
// (with its line in the typedef). Tests and bench/ never read S: they read view.js's test view.

/**
 * @typedef {Object} Stats  what bench/ and the test view report
 * @property {number} moves      pointer moves handled
 * @property {number} decodes    digits decoded into the preview
 * @property {number[]} decodeMs the last 2,000 decodes' ms;  hoverMs: linked-digit searches' ms
 * @property {number[]} hoverMs
 * @property {number[]} mapMs    each decoded map's ms
 * @property {?number} paintMs   firstpaint.js's ms;  paintedAt / drawnAt: when the points showed / Plotly drew
 * @property {?number} paintedAt
 * @property {?number} drawnAt
 * @property {?number} relayoutAt  the last plotly_relayout (a pan or zoom ended)
 * @property {?number} lastClickAt the last click that chose a point
 * @property {number} clicks
 */

/**
 * @typedef {Object} PlaneState
 * @property {string} sig          the payload's signature (payload.js's payloadSig): another one is another model
 * @property {Stats} stats
 * @property {?Object} P           the parsed payload {header, layers, z (2 floats a point), y, channel, arrays}
 * @property {?Object} dec         the decoder {decode(z1, z2, out?), kind: "wasm" | "js"}
 * @property {?Object} d           the DOM (dom.js's buildDom)
 * @property {?Object} Plotly      plotly.js, and gd the plot's graph div, once drawn (null before)
 * @property {?HTMLElement} gd
 * @property {?ResizeObserver} ro  plot.js's size follower;  lastW: the size (w * 1e5 + h) it last laid out for
 * @property {number} lastW
 * @property {?Object} committed   the chosen point {z1, z2, index|null};  neigh: its 8 nearest digits' indices
 * @property {number[]} neigh
 * @property {?{why: string, z1: number, z2: number}} decoded  what the preview shows now
 * @property {?number[]} star      the uploaded digit's [z1, z2]
 * @property {?number[]} A         interp.js's ends, and which one the next click sets
 * @property {?number[]} B
 * @property {string} nextEnd
 * @property {?string} link        the linked-plane group;  linked: whether the layout is the linked one
 * @property {boolean} linked
 * @property {?{index: number, here: boolean}} hover  the linked digit ringed (links.js)
 * @property {?string} viewKey     the last view applied (JSON)
 * @property {?Uint32Array} order  the points' drawing order;  pointIndex / pointColors: the points trace's
 * @property {?Uint32Array} pointIndex
 * @property {?string[]} pointColors
 * @property {?Object} paintArea   the axes' box firstpaint.js drew in {left, top, w, h, view}
 * @property {?Object} mapView     the decoded map as drawn {x, y (data ranges), n, rows, tint (each cell's
 *                                 Map holes tint 0..1, row by row from the top; null when off)} (map.js)
 * @property {?Object} thumbs      thumbnails.js's state {cache, drawn, want, source, tiles, canvas, ...}
 * @property {?Object} replay      replay.js's state {H, p, on, playing, frames, ms, shown, ...}
 * @property {?Object} uncertainty uncertainty.js's state {sigma, samples, draws, ...}
 * @property {Array} labels        labels.js: [class, x, y] as last drawn
 * @property {number} contourSegments  density.js: segments drawn last (0: off)
 * @property {number} lensPoints   lens.js: points drawn in the lens last
 * @property {?Object} selectionSent  selection.js: the last shape sent to Python
 * @property {?string} dragMode    selection.js: "select" (Box) or "lasso" while the plane draws shapes, else null (Plotly's drag)
 * @property {?Uint8Array} selMask the digits lit (1 a member, one byte per training digit), or null: nothing selected
 * @property {Object[]} selShapes  the selection's shapes outlined on this plane {kind, x, y, hidden} (data coordinates)
 * @property {?Object} selDraft    the shape being drawn (select_draw.js), or null
 * @property {?string} failed      why the plane could not start
 * @property {?Object} colorBy     colorby.js's state {key ("label" or a quantity), spec {key, name, lo, hi, worse},
 *                                 values (Float32Array per training digit), range [a, b] | null, inRange,
 *                                 colorOf(i) | null (plot.js draws with it), worst (indices shown),
 *                                 pendingRange (a shared link's, share.js), own (the file's {lo, hi}: spec's
 *                                 may be wider, one scale for Compare's pair, pair.js), ...}
 */

/** @returns {PlaneState} */
export function createState(sig) {
  const stats = { moves: 0, decodes: 0, decodeMs: [], hoverMs: [], mapMs: [], paintMs: null, paintedAt: null,
    drawnAt: null, relayoutAt: null, lastClickAt: null, clicks: 0 };
  return Object.seal({
    sig, stats: Object.seal(stats), P: null, dec: null, d: null, Plotly: null, gd: null, ro: null, lastW: 0,
    committed: null, neigh: [], decoded: null, star: null, A: null, B: null, nextEnd: "A",
    link: null, linked: false, hover: null, viewKey: null, order: null, pointIndex: null, pointColors: null,
    paintArea: null, mapView: null, thumbs: null, replay: null, uncertainty: null, labels: [],
    contourSegments: 0, lensPoints: 0, selectionSent: null, dragMode: null, selMask: null, selShapes: [], selDraft: null,
    failed: null, colorBy: null,
  });
}

export function initState(S, P, dec, d) {
  S.dec = dec; S.P = P; S.d = d;
}

// The plane cannot run here: say so on it, and tell Python (ui/plane/component.py shows one line instead).
export function fail(S, root, setStateValue, e) {
  const m = root.querySelector(".lp-msg"), loading = root.querySelector(".lp-loading");
  if (loading) loading.remove(); // firstpaint.js's "Loading the interactive plot…": it will not load
  if (m) { m.hidden = false; m.textContent = "The live plane could not start: " + (e && e.message ? e.message : e); }
  S.failed = String(e && e.message ? e.message : e);
  setStateValue("error", S.failed);
}
