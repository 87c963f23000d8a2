// Geometry and hit testing: data <-> pixels on the drawn plot, the training digit near a point.
// a = area(ctx): the axes (Plotly's, with l2p/p2l and .range) and the plot area's box in CSS pixels.

export const HIT_PX = 7; // a click within this many pixels of a data point picks it

export function area(ctx) {
  const fl = ctx.S.gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis;
  return { xa, ya, left: xa._offset, top: ya._offset, w: xa._length, h: ya._length };
}

// The data point under a client (viewport) position, or null outside the plot area.
export function toData(ctx, clientX, clientY) {
  const r = ctx.d.plot.getBoundingClientRect(), a = area(ctx);
  const px = clientX - r.left - a.left, py = clientY - r.top - a.top;
  if (px < 0 || py < 0 || px > a.w || py > a.h) return null;
  return [a.xa.p2l(px), a.ya.p2l(py)];
}

export const toPx = (a, z1, z2) => [a.left + a.xa.l2p(z1), a.top + a.ya.l2p(z2)];

// Which classes are shown (a legend click hides a class's trace).
export function visible(ctx) {
  return ctx.S.gd._fullData.slice(0, ctx.classes.length).map((t) => t.visible === true);
}

// The shown training digit nearest (z1, z2) within `radius` data units, or -1.
export function nearestPoint(ctx, z1, z2, radius) {
  const P = ctx.P, vis = visible(ctx);
  let best = -1, bd = radius * radius;
  for (let i = 0; i < P.y.length; i++) {
    if (!vis[P.y[i]]) continue;
    const dx = P.z[2 * i] - z1, dy = P.z[2 * i + 1] - z2, dd = dx * dx + dy * dy;
    if (dd < bd) { bd = dd; best = i; }
  }
  return best;
}

// The k training digits nearest (z1, z2), nearest first, leaving out index `skip`.
export function neighbours(ctx, z1, z2, skip, k = 8) {
  const P = ctx.P, best = []; // [dist, index], kept sorted, at most k
  for (let i = 0; i < P.y.length; i++) {
    if (i === skip) continue;
    const dx = P.z[2 * i] - z1, dy = P.z[2 * i + 1] - z2, dd = dx * dx + dy * dy;
    if (best.length < k || dd < best[best.length - 1][0]) {
      best.push([dd, i]); best.sort((a, b) => a[0] - b[0]); if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b[1]);
}
