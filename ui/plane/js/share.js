// Feature: Copy link. The link to this view: the page's own URL (which Python keeps with ?model=,
// ?z1=&z2= for the chosen point and ?box= for a box selection) plus what only the browser knows:
// ?view= (the zoomed ranges), ?layers= (decoded map, density, labels, lens, map holes), ?color= and ?range=
// (Colour by and its brushed range) and ?replay= (the replay's position). ui/plane/share.py parses
// them (the one place); a plane opened from such a link gets them back as its state's `restore`,
// applied here once the plot is drawn. The link is copied to the clipboard and shown, selected, in a
// box beside the button (where the clipboard is refused, copy it from there).
import { el } from "./dom.js";
import { tool } from "./toolbar.js";
import { area } from "./hit.js";

export const LAYERS = { map: "lp-map-toggle", density: "lp-contours-toggle", labels: "lp-labels-toggle", lens: "lp-lens-toggle",
  holes: "lp-holes-toggle" };

export function install(ctx) {
  if (!ctx.state.share) return; // only a page whose URL holds its view (Explore) offers the link
  const ctl = ctx.d.groups.share;
  const btn = tool(ctl, { testid: "lp-copy-link", label: "Copy link", name: "link",
    title: "Copy a link to this view: model, zoom, chosen point, selection, layers, colouring and replay" });
  ctl.prepend(btn); // first in Share and export
  const out = el("input", { type: "text", readonly: "", class: "lp-share-url", "data-testid": "lp-share-url", "aria-label": "Link to this view", hidden: "" }, ctl);
  btn.onclick = () => {
    out.value = link(ctx); out.hidden = false; out.select();
    const done = (ok) => { btn.title = ok ? "Link copied" : "Copy link (select the box to copy)"; };
    (navigator.clipboard ? navigator.clipboard.writeText(out.value) : Promise.reject(new Error("no clipboard"))).then(() => done(true), () => done(false));
  };
  let restored = false;
  ctx.on("ready", () => { if (!restored) { restored = true; restore(ctx, ctx.state.restore); } });
}

const box = (ctx, name) => ctx.root.querySelector(`[data-testid="${LAYERS[name]}"]`);
const num = (x) => String(+x.toPrecision(6));

// The link to the view as it is now (see the header).
export function link(ctx) {
  const { S } = ctx, u = new URL(window.location.href), q = u.searchParams, C = S.colorBy, R = S.replay;
  if (S.gd) { const a = area(ctx); q.set("view", [...a.xa.range, ...a.ya.range].map(num).join(",")); }
  q.set("layers", Object.keys(LAYERS).filter((n) => box(ctx, n) && box(ctx, n).checked).join(","));
  q.delete("color"); q.delete("range"); q.delete("replay");
  if (C && C.key !== "label") q.set("color", C.key);
  if (C && C.key !== "label" && C.range) q.set("range", C.range.map(num).join(","));
  if (R && R.on && R.scrub) q.set("replay", num(+R.scrub.value));
  return u.href;
}

// Apply a link's layers, colouring, range and replay position (Python parsed and checked them).
function restore(ctx, r) {
  if (!r) return;
  if (r.layers) {
    for (const name of Object.keys(LAYERS)) {
      const b = box(ctx, name), on = r.layers.includes(name);
      if (b && b.checked !== on) { b.checked = on; b.dispatchEvent(new Event("change")); }
    }
  }
  const sel = ctx.root.querySelector('[data-testid="lp-colorby"]'), C = ctx.S.colorBy;
  if (sel && r.color && r.color !== "label" && C.offered.includes(r.color)) {
    C.pendingRange = r.range || null;
    sel.value = r.color; sel.dispatchEvent(new Event("change"));
  }
  const R = ctx.S.replay;
  if (r.replay != null && R && R.scrub) {
    R.scrub.value = String(r.replay); R.scrub.dispatchEvent(new Event("input"));
  }
}
