// Feature: interpolation between two ends A and B: a strip of k decoded digits, played as an
// animation, its path drawn on the overlay. With "Interpolate" on, clicks set A, then B, in turn.
import { download, paint } from "./dom.js";
import { drawOverlay } from "./overlays.js";
import { toPx } from "./hit.js";

export function install(ctx) {
  const { S, d } = ctx, I = { frame: 0, playing: null }; // the animation's frame and its interval
  const setEnd = (which, z) => setEndpoint(ctx, I, which, z);
  S.setEnd = setEnd;
  d.k.addEventListener("input", () => strip(ctx, I));
  d.setA.onclick = () => S.committed && setEnd("A", [S.committed.z1, S.committed.z2]);
  d.setB.onclick = () => S.committed && setEnd("B", [S.committed.z1, S.committed.z2]);
  d.starA.onclick = () => S.star && setEnd("A", S.star);
  d.stripPng.onclick = () => S.A && S.B && download(d.strip, "interpolation.png");
  d.play.onclick = () => {
    if (I.playing) { clearInterval(I.playing); I.playing = null; d.play.textContent = "Play"; return; }
    d.play.textContent = "Pause";
    const tick = () => { I.frame++; drawFrame(ctx, I); };
    I.playing = setInterval(tick, 150 / +d.speed.value);
  };
  d.speed.onchange = () => { if (I.playing) { d.play.onclick(); d.play.onclick(); } };
  d.interpToggle.onchange = () => { d.interp.hidden = !d.interpToggle.checked; if (!d.interpToggle.checked) { S.A = S.B = null; } strip(ctx, I); };
  ctx.on("click", (pick) => { if (d.interpToggle.checked) setEnd(S.nextEnd, [pick.z1, pick.z2]); });
  ctx.on("draw", (g, a) => drawPath(ctx, g, a));
  ctx.on("dispose", () => { if (I.playing) clearInterval(I.playing); });
}

function strip(ctx, I) {
  const { S, d } = ctx, k = +d.k.value;
  d.kText.textContent = " k = " + k;
  d.ends.textContent = `A ${S.A ? `(${S.A[0].toFixed(2)}, ${S.A[1].toFixed(2)})` : "?"} → B ${S.B ? `(${S.B[0].toFixed(2)}, ${S.B[1].toFixed(2)})` : "?"}`;
  if (!(S.A && S.B)) { d.strip.width = 0; d.strip.setAttribute("data-k", "0"); drawOverlay(ctx); return; }
  d.strip.width = 28 * k;
  const g = d.strip.getContext("2d"), img = new Float32Array(784);
  for (let s = 0; s < k; s++) {
    const t = k === 1 ? 0 : s / (k - 1);
    ctx.dec.decode(S.A[0] + t * (S.B[0] - S.A[0]), S.A[1] + t * (S.B[1] - S.A[1]), img);
    paint(g, img, 28 * s, 0);
  }
  d.strip.style.width = 28 * k * 2 + "px";
  d.strip.setAttribute("data-k", String(k));
  I.frame = 0; drawFrame(ctx, I); drawOverlay(ctx);
  ctx.setState("interp", { a: S.A, b: S.B, k });
}

function drawFrame(ctx, I) {
  const { S, d } = ctx;
  if (!(S.A && S.B)) return;
  const k = +d.k.value, s = I.frame % k;
  d.anim.getContext("2d").drawImage(d.strip, 28 * s, 0, 28, 28, 0, 0, 28, 28);
}

function setEndpoint(ctx, I, which, z) {
  const S = ctx.S;
  S[which] = [z[0], z[1]];
  S.nextEnd = which === "A" ? "B" : "A";
  strip(ctx, I);
}

// The dashed A-B line with its k steps, and the two ends' letters.
function drawPath(ctx, g, a) {
  const S = ctx.S;
  if (S.A && S.B) {
    const [ax, ay] = toPx(a, ...S.A), [bx, by] = toPx(a, ...S.B);
    g.beginPath(); g.moveTo(ax, ay); g.lineTo(bx, by); g.lineWidth = 2; g.strokeStyle = "black"; g.setLineDash([6, 4]); g.stroke();
    g.setLineDash([]);
    const k = +ctx.d.k.value;
    for (let s = 0; s < k; s++) {
      const t = k === 1 ? 0 : s / (k - 1);
      g.beginPath(); g.arc(ax + t * (bx - ax), ay + t * (by - ay), 2.5, 0, 2 * Math.PI); g.fillStyle = "black"; g.fill();
    }
  }
  for (const [end, name] of [[S.A, "A"], [S.B, "B"]]) {
    if (!end) continue;
    const [x, y] = toPx(a, ...end);
    g.font = "bold 13px sans-serif"; g.lineWidth = 3; g.strokeStyle = "white"; g.strokeText(name, x + 6, y - 6);
    g.fillStyle = "black"; g.fillText(name, x + 6, y - 6);
  }
}
