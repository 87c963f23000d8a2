// The context every module gets: what one plane is made of, and a small synchronous event bus.
// Every field is declared here and the object is sealed: a feature keeps its own state in an object
// made in its install() (or in a field of state.js's S), never in a new field of ctx.
// Handlers run in the order they were added (FEATURES' order in main.js), inside the event's caller.

// ready(Plotly, gd)  the plot is drawn and wired (before it, S.gd is null and hit testing cannot run)
// relayouting()      mid pan/zoom;  relayout(): a pan/zoom ended;  afterplot(): Plotly redrew
// state(st)          Python's state for this plane arrived (ctx.state: {marker, index, star, view, link,
//                    replay, sigma, thumbs, tiles, selection}), applied once drawn and on every change
// hover(z)           the pointer is at data point z = [z1, z2], or off the plot / gone (z = null)
// click(pick)        a click or tap chose {z1, z2, index|null} (a training digit's index, or none)
// colorby(what)      Colour by changed: "load" (a measure's values are in) or "range" (the colours changed)
// draw(g, a)         the overlay is being drawn: g its 2-D context (clipped, CSS pixels), a = area(ctx)
// dispose()          the plane goes away (another model, or its element left the page): undo listeners,
//                    timers and animation frames (main.js's cleanup; it then purges the plot)
export const EVENTS = ["ready", "relayouting", "relayout", "afterplot", "state", "hover", "click", "colorby", "draw", "dispose"];

/**
 * @typedef {Object} PlaneContext
 * @property {import("./state.js").PlaneState} S  the per-plane state
 * @property {Object} P              the parsed payload;  dec: the decoder;  d: the DOM (dom.js)
 * @property {Object} dec
 * @property {Object} d
 * @property {HTMLElement} root      the plane's .lp-root;  plot: the div Plotly draws into (d.plot)
 * @property {HTMLElement} plot
 * @property {string} channel        the plane's key;  classes: the class names
 * @property {string[]} classes
 * @property {Object} state          Python's latest state for this plane (component.py's data.state)
 * @property {?number[][]} view0     the opening view [[x0, x1], [y0, y1]] (plot.js's openingView)
 * @property {?Float32Array} pixels  the preview's decoded digit, and its 2-D context (preview.js)
 * @property {?CanvasRenderingContext2D} pctx
 * @property {boolean} disposed      set by main.js's cleanup: asynchronous work still running stops
 */

/** @returns {PlaneContext} */
export function makeContext({ S, P, dec, d, root, channel, state, calls }) {
  const handlers = Object.fromEntries(EVENTS.map((name) => [name, []]));
  return Object.seal({
    S, P, dec, d, root, channel, state,
    classes: P.header.classes,
    plot: d.plot,
    view0: null, pixels: null, pctx: null, disposed: false,
    on(name, fn) {
      if (!handlers[name]) throw new Error("unknown live-plane event: " + name);
      handlers[name].push(fn);
    },
    emit(name, ...args) {
      for (const fn of handlers[name]) fn(...args);
    },
    // Values sent to Python (Components v2), through the latest render call's functions (`calls`)
    setTrigger: (name, value) => calls.setTriggerValue(name, value), // one-shot value for this rerun (click)
    setState: (name, value) => calls.setStateValue(name, value), // a value Python keeps (interp, error)
  });
}
