// Feature: one toolbar for a pair of planes (Compare). A plane whose state names a `link` group and a
// `pair` role is the pair's "lead" (its toolbar is the one shown, spanning both planes: plane.css) or its
// "follow"er (its toolbar is hidden, its height kept the lead's so both plots start level). What a
// person does on the lead's toolbar is done on the follower's own hidden controls, found by the same
// data-testid: a layer switched, a drag mode, the colouring, a setting, Reset view, an export. Colour by
// shares one scale: each plane tells the other its measure's domain (colorby.js's "colorby" event) and
// both draw on the union of the two; the lead's brushed range dims both planes.
// Through a window "lp-pair" event {link, from, kind, ...}: "hello" (a follower's plot is drawn: the lead
// answers with every control's state, as it also sends once its own plot is drawn), "control" {testid,
// type, checked|value|pressed|click, sync (a snapshot's: applied only where it differs)}, "bar" {h},
// "domain" {key, lo, hi}, "range" {key, range}. A plane with no pair role does nothing here.
import * as colorby from "./colorby.js";

export function install(ctx) {
  const role = ctx.state.pair, link = ctx.state.link;
  if (!link || (role !== "lead" && role !== "follow")) return;
  ctx.root.classList.add("lp-pair-" + role);
  const me = { role, link, other: {} }; // other: key -> the other plane's own domain {lo, hi}
  const post = (kind, body = {}) =>
    window.dispatchEvent(new CustomEvent("lp-pair", { detail: { link, from: ctx.channel, kind, ...body } }));
  const onPair = (e) => {
    const m = e.detail;
    if (m && m.link === link && m.from !== ctx.channel) receive(ctx, me, m, post);
  };
  window.addEventListener("lp-pair", onPair);
  ctx.on("dispose", () => window.removeEventListener("lp-pair", onPair));
  ctx.on("colorby", (what) => colour(ctx, me, what, post));
  if (role === "lead") lead(ctx, post);
  ctx.on("ready", () => (role === "lead" ? snapshot(ctx, post) : post("hello"))); // every handler is wired by then
}

// The lead: its toolbar's controls, as they are used, and its height.
function lead(ctx, post) {
  const bar = ctx.d.toolbar;
  const forward = (e) => {
    const t = e.target;
    if (!t || !t.dataset || !t.dataset.testid) return;
    post("control", { testid: t.dataset.testid, type: e.type, ...controlState(t, ctx) });
  };
  for (const type of ["input", "change"]) bar.addEventListener(type, forward);
  bar.addEventListener("click", (e) => {
    const b = e.target.closest && e.target.closest("button[data-testid]");
    if (b && bar.contains(b) && b.dataset.testid !== "lp-settings") forward({ target: b, type: "click" });
  });
  const ro = new ResizeObserver(() => post("bar", { h: bar.offsetHeight }));
  ro.observe(bar);
  ctx.on("dispose", () => ro.disconnect());
}

// What a follower needs to set its copy of control t as the lead's is now.
function controlState(t, ctx) {
  if (t.type === "checkbox") return { checked: t.checked };
  if (t.tagName === "BUTTON") {
    const toggles = t.hasAttribute("aria-pressed") && !ctx.d.groups.drag.contains(t); // drag buttons: a click sets the mode
    return toggles ? { pressed: t.getAttribute("aria-pressed") === "true" } : { click: true };
  }
  return { value: t.value };
}

function receive(ctx, me, m, post) {
  if (me.role === "lead" && m.kind === "hello") return snapshot(ctx, post);
  if (m.kind === "domain") { me.other[m.key] = { lo: m.lo, hi: m.hi }; return rescale(ctx, me); }
  if (me.role !== "follow") return;
  if (m.kind === "bar") ctx.d.toolbar.style.height = m.h + "px";
  else if (m.kind === "control") apply(ctx, m);
  else if (m.kind === "range") colorby.follow(ctx, m.key, m.range);
}

// Set the follower's control m.testid as the lead's, and let its own handlers run as for a person.
function apply(ctx, m) {
  const t = ctx.d.toolbar.querySelector(`[data-testid="${CSS.escape(m.testid)}"]`);
  if (!t) return; // this model has no such control (no replay, no σ)
  const fire = (type) => t.dispatchEvent(new Event(type, { bubbles: true }));
  if ("checked" in m) { if (t.checked !== m.checked) { t.checked = m.checked; fire("change"); } }
  else if ("pressed" in m) { if ((t.getAttribute("aria-pressed") === "true") !== m.pressed && !t.hidden) t.click(); }
  else if (m.click) t.click();
  else if ("value" in m) {
    const lacks = t.tagName === "SELECT" && ![...t.options].some((o) => o.value === m.value); // a measure this model lacks
    const v = lacks ? t.options[0].value : m.value;
    if (m.sync && t.value === v) return;
    t.value = v;
    if (m.sync) { fire("input"); fire("change"); } else fire(m.type); // a slider's drag: its inputs, then its change
  }
}

// Every control of the lead's toolbar, as it is now (a follower just mounted), then its bar and colouring.
function snapshot(ctx, post) {
  const bar = ctx.d.toolbar, mode = ctx.S.dragMode || (ctx.S.gd ? ctx.S.gd.layout.dragmode || "pan" : "pan"); // Box / Lasso are the plane's own
  for (const t of bar.querySelectorAll("input[data-testid], select[data-testid]")) {
    post("control", { testid: t.dataset.testid, type: "change", sync: true, ...controlState(t, ctx) });
  }
  for (const t of bar.querySelectorAll("button[aria-pressed][data-testid]")) {
    if (!ctx.d.groups.drag.contains(t)) post("control", { testid: t.dataset.testid, type: "click", pressed: t.getAttribute("aria-pressed") === "true" });
  }
  post("control", { testid: "lp-drag-" + mode, type: "click", click: true });
  post("bar", { h: bar.offsetHeight });
  colour(ctx, { role: "lead" }, "load", post);
  colour(ctx, { role: "lead" }, "range", post);
}

// Colour by changed here: tell the other plane this plane's own domain (on a load) or, from the lead, the range.
function colour(ctx, me, what, post) {
  const C = ctx.S.colorBy;
  if (!C || !C.own || C.key === "label") return;
  if (what === "load") { post("domain", { key: C.key, lo: C.own.lo, hi: C.own.hi }); if (me.other) rescale(ctx, me); }
  else if (me.role === "lead") post("range", { key: C.key, range: C.range });
}

// One scale for both planes: the union of this plane's own domain and the other's, for the measure shown.
function rescale(ctx, me) {
  const C = ctx.S.colorBy, o = C && me.other[C.key];
  if (!C || !C.own || C.key === "label" || !o) return;
  colorby.rescale(ctx, Math.min(C.own.lo, o.lo), Math.max(C.own.hi, o.hi));
}
