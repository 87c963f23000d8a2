// Feature: Replay training (Explore, Compare). With the state's `replay` on, a timeline under the plot holds
// Play/Pause, a speed, the epoch scrubber with the loss curve drawn along it, and Trails; the toolbar's
// Replay button shows or hides it; the model's test sample
// (history.js) moves between the training's snapshots in the browser, on a canvas of its own
// (replay_plot.js), with no server call. While it replays, the training digits' traces are hidden; at the end (or "Done") they
// come back: the plane is the model's real plane again. The plot carries data-replay ("off", "playing",
// "paused") and data-replay-epoch (the epoch shown; the last one when off). Linked planes (Compare)
// follow each other through a window "lp-replay" event {link, from, t|null, playing}, epoch for epoch.
import { el } from "./dom.js";
import { tool } from "./toolbar.js";
import { epochAt, positionAt, readHistory } from "./history.js";
import { enter, leave, render } from "./replay_plot.js";
import { drawLoss, makeLoss } from "./replay_loss.js";

const RATE = 2; // snapshots a second at 1x

export function install(ctx) {
  const H = readHistory(ctx.P);
  // frames: the rAF times of the frames played; ms: each render's cost (bench/replay_fps.py reads both)
  const R = { H, p: H ? H.S - 1 : 0, on: false, playing: false, raf: 0, frames: [], ms: [] };
  ctx.S.replay = R; // the test view reports it (bench/replay_fps.py: frames and ms)
  R.row = el("div", { class: "lp-replay", role: "group", "aria-label": "Replay training timeline", "data-testid": "lp-replay", hidden: "" });
  ctx.d.body.after(R.row); // under the plot
  const shown = tool(ctx.d.groups.replay, { testid: "lp-replay-toggle", label: "Replay training", name: "replay",
    title: "Replay training: show or hide the timeline under the plot", attrs: { "aria-pressed": "true", hidden: "" } });
  shown.onclick = () => { const on = shown.getAttribute("aria-pressed") !== "true"; shown.setAttribute("aria-pressed", String(on)); R.row.hidden = !on; };
  if (!H) {
    el("span", { "data-testid": "lp-replay-none", text: "Replay training: this model was saved without its "
      + "training history (it was trained before histories were kept), so there is nothing to replay." }, R.row);
  } else {
    buildControls(ctx, R);
  }
  ctx.on("state", (st) => {
    shown.hidden = !(st && st.replay);
    R.row.hidden = shown.hidden || shown.getAttribute("aria-pressed") !== "true";
  });
  ctx.on("ready", () => mark(ctx, R));
  const redraw = () => R.on && render(ctx, R, R.trails.checked); // follow a pan or zoom
  for (const ev of ["relayouting", "relayout", "afterplot"]) ctx.on(ev, redraw);
  const onPeer = (e) => follow(ctx, R, e.detail);
  window.addEventListener("lp-replay", onPeer);
  ctx.on("dispose", () => { cancelAnimationFrame(R.raf); window.removeEventListener("lp-replay", onPeer); });
}

function buildControls(ctx, R) {
  const H = R.H, row = R.row;
  R.play = el("button", { type: "button", "data-testid": "lp-replay-play", text: "▶ Replay training" }, row);
  R.speed = el("select", { "data-testid": "lp-replay-speed", title: "replay speed", "aria-label": "Replay speed" }, row);
  for (const s of [0.5, 1, 2, 4]) el("option", { value: s, text: s + "×" }, R.speed);
  R.speed.value = "1";
  const track = el("div", { class: "lp-track" }, row); // the loss curve along the scrubber, epoch for epoch
  R.loss = makeLoss(track, H);
  R.scrub = el("input", { type: "range", min: 0, max: H.S - 1, step: 0.01, value: H.S - 1,
    "data-testid": "lp-replay-scrub", "aria-label": "epoch" }, track);
  R.label = el("span", { class: "lp-replay-label", "data-testid": "lp-replay-label" }, row);
  const tl = el("label", {}, row);
  R.trails = el("input", { type: "checkbox", "data-testid": "lp-replay-trails" }, tl);
  tl.append(" Trails");
  R.done = el("button", { type: "button", "data-testid": "lp-replay-done", text: "Done", hidden: "" }, row);
  R.play.onclick = () => (R.playing ? pause(ctx, R) : play(ctx, R));
  R.scrub.oninput = () => { halt(R); show(ctx, R, +R.scrub.value, true); };
  R.trails.onchange = () => R.on && render(ctx, R, R.trails.checked);
  R.done.onclick = () => stop(ctx, R, true);
  label(R);
  drawLoss(R.loss, H, epochAt(H, R.p));
}

function play(ctx, R) {
  if (!ctx.S.gd) return;
  if (!R.on || R.p >= R.H.S - 1) R.p = 0; // from the start, unless paused part-way
  R.playing = true;
  let last = performance.now();
  const tick = (now) => {
    if (!R.playing || ctx.disposed) return;
    const p = R.p + ((now - last) / 1000) * RATE * +R.speed.value;
    last = now;
    if (p >= R.H.S - 1) return stop(ctx, R, true); // the end: back to the real plane
    show(ctx, R, p, true, now - (R.texted || 0) > 100); // the words and the loss mark: 10 times a second
    if (now - (R.texted || 0) > 100) R.texted = now;
    R.frames.push(now);
    if (R.frames.length > 600) R.frames.shift();
    R.raf = requestAnimationFrame(tick);
  };
  show(ctx, R, R.p, true);
  R.raf = requestAnimationFrame(tick);
}

function halt(R) {
  R.playing = false;
  cancelAnimationFrame(R.raf);
}

function pause(ctx, R) {
  halt(R);
  R.scrub.value = String(R.p);
  label(R);
  drawLoss(R.loss, R.H, epochAt(R.H, R.p));
  mark(ctx, R);
  broadcast(ctx, R);
}

// Show position p (entering replay mode if needed); `tell`: linked planes follow; `words`: update the
// label, scrubber and loss mark too (while playing, only some frames do).
function show(ctx, R, p, tell, words = true) {
  if (!ctx.S.gd) return;
  if (!R.on) { enter(ctx, R); R.on = true; }
  R.p = p;
  const t0 = performance.now();
  render(ctx, R, R.trails.checked);
  R.ms.push(performance.now() - t0);
  if (R.ms.length > 600) R.ms.shift();
  if (words) {
    R.scrub.value = String(p);
    label(R);
    drawLoss(R.loss, R.H, epochAt(R.H, p));
  }
  mark(ctx, R);
  if (tell) broadcast(ctx, R);
}

// Leave replay mode: the training digits again, the scrubber at the end.
function stop(ctx, R, tell) {
  halt(R);
  if (R.on) { leave(ctx, R); R.on = false; }
  R.p = R.H.S - 1;
  R.scrub.value = String(R.p);
  label(R);
  drawLoss(R.loss, R.H, epochAt(R.H, R.p));
  mark(ctx, R);
  if (tell) broadcast(ctx, R);
}

function label(R) {
  const e = epochAt(R.H, R.p);
  R.label.textContent = `epoch ${e < 1 ? e.toFixed(2) : e.toFixed(1)} of ${R.H.epochs}`;
  R.play.textContent = R.playing ? "❚❚ Pause" : "▶ Replay training";
  if (R.done) R.done.hidden = !R.on;
}

function mark(ctx, R) {
  const plot = ctx.d.plot;
  plot.setAttribute("data-replay", !R.H ? "none" : R.playing ? "playing" : R.on ? "paused" : "off");
  if (R.H) plot.setAttribute("data-replay-epoch", epochAt(R.H, R.p).toFixed(4));
}

function broadcast(ctx, R) {
  const S = ctx.S;
  if (!S.link) return;
  const detail = { link: S.link, from: ctx.channel, t: R.on ? epochAt(R.H, R.p) : null, playing: R.playing };
  window.dispatchEvent(new CustomEvent("lp-replay", { detail }));
}

// Another plane of our group moved its replay: show the same epoch here (or leave replay with it).
function follow(ctx, R, m) {
  const S = ctx.S;
  if (!R.H || !m || !S.link || m.link !== S.link || m.from === ctx.channel || !S.gd) return;
  if (m.t === null) return stop(ctx, R, false);
  halt(R);
  show(ctx, R, positionAt(R.H, m.t), false);
  R.play.textContent = m.playing ? "▶ following" : "▶ Replay training";
}
