// The original digits as static tiles, fetched from the app's static folder with no script rerun.
// model/images/tiles.py writes them; ui/plane/thumbs.py names their folder (the plane state's `tiles`):
//   manifest.json  {v, n, size, blocks: [[x0, x1, y0, y1], ...]}: each block's box in data units
//   <k>.bin        block k: "LETB" + uint32 n + JSON {indices, cols} + padding to 4 + a greyscale PNG,
//                  digit j of `indices` at column j % cols, row j // cols, 28 x 28 each
// need(t, x0, x1, y0, y1) fetches the blocks whose box meets the view (nearest its centre first) and hands
// each decoded block {indices, cols, bmp} to t.onBlock; the browser's HTTP cache keeps the files. A failed
// fetch is tried again after a growing pause (the server may still be writing the tiles); after GIVE_UP
// failures in a row, t.gaveUp is set and the plane decodes the digits itself.
import { absolute } from "./payload.js";

const KEEP = 48; // decoded blocks kept per plane (about 0.75 MB of pixels each), least recently used dropped
const GIVE_UP = 20; // failures in a row (about a minute, with the pauses) before the originals are given up
const PAUSE_MS = 250; // the first pause after a failure; it doubles up to MAX_PAUSE_MS
const MAX_PAUSE_MS = 4000;

// onBlock(block): a block arrived; onEvict(block): it is dropped; onRetry(): fetch what the view needs again
export function makeTiles(url, n, onBlock, onEvict, onRetry) {
  return {
    url: absolute(url), n, onBlock, onEvict, onRetry, manifest: null, loading: false,
    blocks: new Map(), fetched: new Set(), inFlight: 0, fails: 0, gaveUp: false, retryAt: 0, timer: 0,
  };
}

// Fetch the manifest (once), and the blocks meeting the view [x0, x1] x [y0, y1] (null: the manifest only).
export function need(t, view) {
  if (t.gaveUp || t.disposed) return;
  const now = performance.now();
  if (!t.manifest) { if (!t.loading && now >= t.retryAt) loadManifest(t); return; }
  if (!view) return;
  const [x0, x1, y0, y1] = view, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, want = [];
  t.manifest.blocks.forEach((b, k) => {
    if (b[0] > x1 || b[1] < x0 || b[2] > y1 || b[3] < y0) return;
    const have = t.blocks.get(k);
    if (have) have.used = now;
    if (have && (have.state !== "failed" || now < have.retryAt)) return;
    want.push([Math.hypot((b[0] + b[1]) / 2 - cx, (b[2] + b[3]) / 2 - cy), k]);
  });
  want.sort((p, q) => p[0] - q[0]).forEach(([, k]) => fetchBlock(t, k));
}

// Every decoded block held now.
export function held(t) {
  return [...t.blocks.values()].filter((b) => b.state === "ok");
}

export function dispose(t) {
  t.disposed = true;
  clearTimeout(t.timer);
  for (const b of held(t)) b.bmp.close();
  t.blocks.clear();
}

function loadManifest(t) {
  t.loading = true; t.inFlight += 1;
  fetch(t.url + "manifest.json")
    .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then((m) => {
      if (m.v !== 1 || m.n !== t.n || !Array.isArray(m.blocks)) throw new Error("not this model's tiles");
      t.manifest = m;
    })
    .then(() => { t.loading = false; settled(t, true); if (!t.disposed) t.onRetry(); }, () => { t.loading = false; settled(t, false); });
}

function fetchBlock(t, k) {
  const entry = { state: "loading", used: performance.now() };
  t.blocks.set(k, entry); t.fetched.add(k); t.inFlight += 1;
  fetch(t.url + k + ".bin")
    .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.arrayBuffer(); })
    .then((buf) => parseBlock(buf, t.n))
    .then(({ indices, cols, png }) => createImageBitmap(png).then((bmp) => ({ indices, cols, bmp })))
    .then((b) => {
      if (t.disposed || t.blocks.get(k) !== entry) { b.bmp.close(); return; }
      Object.assign(entry, b, { state: "ok" });
      settled(t, true);
      t.onBlock(entry);
      evict(t);
    }, () => {
      entry.state = "failed";
      settled(t, false);
      entry.retryAt = t.retryAt;
    });
}

// A fetch ended: count failures in a row, and after one, fetch again once the pause is over.
function settled(t, ok) {
  t.inFlight -= 1;
  if (t.disposed) return;
  if (ok) { t.fails = 0; t.retryAt = 0; return; }
  t.fails += 1;
  t.gaveUp = t.fails >= GIVE_UP;
  const pause = Math.min(MAX_PAUSE_MS, PAUSE_MS * 2 ** (t.fails - 1));
  t.retryAt = performance.now() + pause;
  clearTimeout(t.timer);
  t.timer = setTimeout(() => t.onRetry(), t.gaveUp ? 0 : pause);
}

// "LETB" + uint32 n + JSON {indices, cols} + padding + PNG -> {indices, cols, png: Blob}; throws on junk.
function parseBlock(buf, n) {
  const u8 = new Uint8Array(buf);
  if (u8.length < 8 || String.fromCharCode(...u8.subarray(0, 4)) !== "LETB") throw new Error("not a block");
  const len = new DataView(buf).getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + len)));
  const { indices, cols } = head;
  if (!Array.isArray(indices) || !(cols >= 1) || indices.some((i) => !Number.isInteger(i) || i < 0 || i >= n)) {
    throw new Error("a malformed block");
  }
  return { indices, cols, png: new Blob([u8.subarray((8 + len + 3) & ~3)], { type: "image/png" }) };
}

// Drop the least recently used decoded blocks beyond KEEP.
function evict(t) {
  const ok = [...t.blocks].filter(([, b]) => b.state === "ok");
  if (ok.length <= KEEP) return;
  ok.sort((p, q) => p[1].used - q[1].used);
  for (const [k, b] of ok.slice(0, ok.length - KEEP)) {
    t.blocks.delete(k);
    t.onEvict(b);
    b.bmp.close();
  }
}
