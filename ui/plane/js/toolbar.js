// The plane's one toolbar: groups of icon controls, each with a tooltip (title) and an accessible name
// (aria-label), in a role="toolbar" of role="group"s: what a drag does, layers, colour by, replay,
// share and export, and the view (Reset view, Settings). Features put their controls in a group
// (ctx.d.groups[name]) with tool() or toggle(). Settings people rarely touch (map resolution, point
// size and opacity) sit in one popover behind the Settings button. Icons are inline SVG (no fonts).
import { el } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
const S = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"';
// 24 x 24 icons: fixed markup, never data
const ICONS = {
  pan: `<path ${S} d="M12 3v18M3 12h18M12 3l-3 3M12 3l3 3M12 21l-3-3M12 21l3-3M3 12l3-3M3 12l3 3M21 12l-3-3M21 12l-3 3"/>`,
  box: `<rect ${S} x="4" y="5" width="16" height="14" stroke-dasharray="3 2.5"/>`,
  lasso: `<ellipse ${S} cx="12" cy="10" rx="8" ry="5.5" stroke-dasharray="3 2.5"/><path ${S} d="M8 15c-2 3 0 6 3 5"/>`,
  map: `<path ${S} d="M4 4h16v16H4zM4 9.3h16M4 14.6h16M9.3 4v16M14.6 4v16"/>`,
  density: `<ellipse ${S} cx="12" cy="12" rx="9" ry="7"/><ellipse ${S} cx="12" cy="12" rx="5" ry="3.5"/><circle cx="12" cy="12" r="1.2" fill="currentColor"/>`,
  labels: `<path ${S} d="M3 12l8-8h9v9l-8 8zM15.5 8.5h.01"/>`,
  lens: `<circle ${S} cx="10" cy="10" r="6"/><path ${S} d="M14.5 14.5L20 20M8 10h4M10 8v4"/>`,
  holes: `<path ${S} d="M4 4h16v16H4z"/><circle cx="14" cy="10" r="3.5" fill="currentColor" opacity="0.55"/><path ${S} d="M4 14.6h5M9.3 14.6V20"/>`,
  interp: `<circle ${S} cx="5" cy="12" r="2.5"/><circle ${S} cx="19" cy="12" r="2.5"/><path ${S} d="M8 12h8" stroke-dasharray="2 2"/>`,
  color: `<circle ${S} cx="12" cy="12" r="9"/><circle cx="8" cy="10" r="1.6" fill="currentColor"/><circle cx="12" cy="7" r="1.6" fill="currentColor"/><circle cx="16" cy="10" r="1.6" fill="currentColor"/>`,
  replay: `<path ${S} d="M3 12a9 9 0 1 0 3-6.7M3 4v5h5M11 9v6l4-3z"/>`,
  link: `<path ${S} d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>`,
  save: `<path ${S} d="M12 4v11M7 10l5 5 5-5M5 20h14"/>`,
  reset: `<path ${S} d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5M9 12h6M12 9v6"/>`,
  settings: `<path ${S} d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/><circle ${S} cx="15" cy="6" r="2"/><circle ${S} cx="9" cy="12" r="2"/><circle ${S} cx="17" cy="18" r="2"/>`,
};

export function icon(name) {
  const s = document.createElementNS(NS, "svg");
  s.setAttribute("viewBox", "0 0 24 24"); s.setAttribute("aria-hidden", "true"); s.setAttribute("class", "lp-icon");
  s.innerHTML = ICONS[name];
  return s;
}

// A button in `parent`: an icon, an optional short text, the tooltip and the accessible name `label`.
export function tool(parent, { testid, label, name, text = "", title = label, attrs = {} }) {
  const b = el("button", { type: "button", class: "lp-tool", "data-testid": testid, "aria-label": label, title, ...attrs }, parent);
  b.appendChild(icon(name));
  if (text) el("span", { class: "lp-tool-text", text }, b);
  return b;
}

// An on/off layer: a real checkbox (tests check() it) over its icon, the whole tile its label.
export function toggle(parent, { testid, label, name, title = label, checked = false }) {
  const l = el("label", { class: "lp-tool lp-toggle", title }, parent);
  const box = el("input", { type: "checkbox", "data-testid": testid, "aria-label": label }, l);
  box.checked = checked;
  l.appendChild(icon(name));
  return box;
}

const GROUPS = [["drag", "What a drag does"], ["layers", "Layers"], ["color", "Colour by"], ["replay", "Replay"],
  ["share", "Share and export"], ["view", "View"]];

// The toolbar's groups in d.groups, the layer toggles, the settings popover (d.density, d.pointSize,
// d.opacity) and Map PNG. Called once per plane, after buildDom.
export function buildToolbar(d, channel) {
  const bar = d.toolbar;
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Plane tools");
  d.groups = {};
  for (const [k, label] of GROUPS) d.groups[k] = el("div", { class: "lp-group lp-group-" + k, role: "group", "aria-label": label }, bar);
  const L = d.groups.layers;
  d.mapToggle = toggle(L, { testid: "lp-map-toggle", label: "Decoded map", name: "map", title: "Decoded map: the decoder's digit at every spot, behind the points" });
  d.holesToggle = toggle(L, { testid: "lp-holes-toggle", label: "Map holes", name: "holes",
    title: "Map holes: tint the decoded map where no training digit is near, where the decoder is guessing" });
  d.interpToggle = toggle(L, { testid: "lp-interp-toggle", label: "Interpolate", name: "interp", title: "Interpolate between two points" });
  d.mapPng = tool(d.groups.share, { testid: "lp-map-png", label: "Export the decoded map as PNG", name: "save", text: "Map" });
  settings(d, channel);
}

function settings(d, channel) {
  const wrap = el("div", { class: "lp-settings" }, d.groups.view);
  const id = "lp-settings-" + String(channel).replace(/[^\w-]/g, "_");
  const btn = tool(wrap, { testid: "lp-settings", label: "Settings", name: "settings",
    title: "Settings: map resolution, point size and opacity", attrs: { "aria-expanded": "false", "aria-controls": id } });
  const pop = el("div", { class: "lp-pop", id, role: "dialog", "aria-label": "Settings", "data-testid": "lp-settings-panel", hidden: "" }, wrap);
  const range = (label, attrs) => {
    const l = el("label", { class: "lp-pop-row" }, pop);
    el("span", { text: label }, l);
    return el("input", { type: "range", "aria-label": label, ...attrs }, l);
  };
  d.density = range("Map resolution", { min: 10, max: 40, value: 20, "data-testid": "lp-density", title: "Cells across the decoded map" });
  d.pointSize = range("Point size", { min: 1, max: 10, value: 3, "data-testid": "lp-point-size", title: "The points' size in pixels" });
  d.opacity = range("Point opacity", { min: 0, max: 100, value: 60, "data-testid": "lp-opacity", title: "The points' opacity, in %" });
  const show = (on) => { pop.hidden = !on; btn.setAttribute("aria-expanded", String(on)); };
  btn.onclick = () => { show(pop.hidden); if (!pop.hidden) d.density.focus(); };
  pop.addEventListener("keydown", (e) => { if (e.key === "Escape") { show(false); btn.focus(); } });
  wrap.addEventListener("focusout", (e) => { if (!wrap.contains(e.relatedTarget) && e.relatedTarget) show(false); });
}
