// Feature: a VAE's uncertainty for the uploaded digit (Upload page). The state's `sigma` [s1, s2] is
// the encoder's standard deviation around the star (the latent mean): the overlay draws the 1-sigma and
// 2-sigma ellipses (axis-aligned: the VAE's posterior is a diagonal Gaussian), and a row under the
// plot decodes a strip of samples z = mu + sigma * eps, eps ~ N(0, 1), fresh at each Resample, all in
// the browser; the samples are dots on the map. The plot carries data-sigma and data-ellipses; the
// strip canvas data-draws (how many strips so far). A plain autoencoder sends no sigma: nothing here.
import { el, paint } from "./dom.js";
import { toPx } from "./hit.js";
import { drawOverlay } from "./overlays.js";

const K = 8; // samples in a strip

export function install(ctx) {
  const U = { sigma: null, samples: [], draws: 0 };
  ctx.S.uncertainty = U;
  U.row = el("div", { class: "lp-sigma", "data-testid": "lp-sigma", hidden: "" });
  ctx.d.body.after(U.row);
  U.button = el("button", { type: "button", "data-testid": "lp-resample", text: "Resample" }, U.row);
  U.strip = el("canvas", { class: "lp-strip", width: 28 * K, height: 28, "data-testid": "lp-samples" }, U.row);
  el("span", { class: "lp-sigma-note", text: "samples z ~ N(μ, σ²) around your digit, decoded here" }, U.row);
  U.button.onclick = () => resample(ctx, U);
  ctx.on("state", (st) => setSigma(ctx, U, st));
  ctx.on("draw", (g, a) => drawSigma(ctx, U, g, a));
}

function setSigma(ctx, U, st) {
  const s = st && st.star && Array.isArray(st.sigma) ? st.sigma : null;
  const key = s ? JSON.stringify([st.star, s]) : null;
  U.row.hidden = !s;
  ctx.d.plot.setAttribute("data-sigma", s ? s.map((v) => v.toPrecision(4)).join(",") : "");
  if (key === U.key) return;
  U.key = key; U.sigma = s; U.mu = s ? st.star : null;
  if (s) resample(ctx, U); else U.samples = [];
}

// One standard normal draw (Box-Muller; Math.random, so each strip is new).
function normal() {
  const u = 1 - Math.random(), v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function resample(ctx, U) {
  if (!U.sigma) return;
  const g = U.strip.getContext("2d"), img = new Float32Array(784);
  U.samples = [];
  for (let k = 0; k < K; k++) {
    const z = [U.mu[0] + U.sigma[0] * normal(), U.mu[1] + U.sigma[1] * normal()];
    ctx.dec.decode(z[0], z[1], img);
    paint(g, img, 28 * k, 0);
    U.samples.push(z);
  }
  U.strip.style.width = 28 * K * 2 + "px";
  U.strip.setAttribute("data-draws", String(++U.draws));
  drawOverlay(ctx);
}

// The 1-sigma (solid) and 2-sigma (dashed) ellipses around the star, and the samples as small dots.
function drawSigma(ctx, U, g, a) {
  const S = ctx.S;
  if (!U.sigma || !S.star) { ctx.d.plot.setAttribute("data-ellipses", "0"); return; }
  const [cx, cy] = toPx(a, S.star[0], S.star[1]);
  for (const k of [2, 1]) {
    const [ex, ey] = toPx(a, S.star[0] + k * U.sigma[0], S.star[1] + k * U.sigma[1]);
    g.beginPath(); g.ellipse(cx, cy, Math.max(Math.abs(ex - cx), 1), Math.max(Math.abs(ey - cy), 1), 0, 0, 2 * Math.PI);
    g.setLineDash(k === 2 ? [5, 4] : []);
    g.lineWidth = 4; g.strokeStyle = "white"; g.stroke();
    g.lineWidth = 2; g.strokeStyle = "#6a0dad"; g.stroke();
  }
  g.setLineDash([]);
  for (const z of U.samples) {
    const [x, y] = toPx(a, z[0], z[1]);
    g.beginPath(); g.arc(x, y, 2.5, 0, 2 * Math.PI); g.fillStyle = "#6a0dad"; g.fill();
  }
  ctx.d.plot.setAttribute("data-ellipses", "2");
}
