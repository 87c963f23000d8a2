// The bar's left side: the decoded digit (or a hint), the pointer's coordinates and the chosen point.
import { paint } from "./dom.js";
import { neighbours } from "./hit.js";

export function initPreview(ctx) {
  ctx.pixels = new Float32Array(784); // the preview's decoded digit
  ctx.pctx = ctx.d.preview.getContext("2d");
  emptyText(ctx);
}

// Decode (z1, z2) into the preview; `why` ("Pointer:", "Chosen:", ...) starts the coordinates line.
export function decodeAt(ctx, z1, z2, why) {
  const { S, d } = ctx, t = performance.now();
  ctx.dec.decode(z1, z2, ctx.pixels);
  paint(ctx.pctx, ctx.pixels, 0, 0);
  if (d.preview.hidden) { d.preview.hidden = false; d.empty.hidden = true; }
  S.stats.decodeMs.push(performance.now() - t);
  if (S.stats.decodeMs.length > 2000) S.stats.decodeMs.shift();
  S.stats.decodes++;
  // At rest the preview is the chosen point, which the line below already names: say only what to do.
  d.coords.textContent = why === "Chosen:" ? "Move the pointer over the plane to decode it live"
    : `${why} z1 = ${z1.toFixed(3)}, z2 = ${z2.toFixed(3)}`;
}

// The hint again: nothing chosen, nothing under the pointer (linked planes).
export function showEmpty(ctx) {
  const d = ctx.d;
  if (d.preview.hidden) return;
  d.preview.hidden = true; d.empty.hidden = false;
  d.coords.textContent = "Move the pointer over the plane";
}

// A linked plane names a training digit, any other plane decodes any point.
export function emptyText(ctx) {
  ctx.d.empty.textContent = ctx.S.link ? "Point at a digit to see it here" : "Point at the plane to see a digit here";
}

// Make (z1, z2) the chosen point (index: the training digit's, or null), with its 8 neighbours.
export function choose(ctx, z1, z2, index) {
  const { S, P, classes } = ctx;
  S.committed = { z1, z2, index };
  S.neigh = neighbours(ctx, z1, z2, index ?? -1);
  ctx.d.chosen.textContent = `Chosen: z1 = ${z1.toFixed(3)}, z2 = ${z2.toFixed(3)}` + (index !== null ? `, training digit #${index} (label ${classes[P.y[index]]})` : "");
}
