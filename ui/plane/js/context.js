// The context every module gets: what one plane is made of, and a small synchronous event bus.
// Handlers run in the order they were added (FEATURES' order in main.js), inside the event's caller.

// ready(Plotly, gd)  the plot is drawn and wired (before it, S.gd is null and hit testing cannot run)
// relayouting()      mid pan/zoom;  relayout(): a pan/zoom ended;  afterplot(): Plotly redrew
// state(st)          Python's state for this plane arrived ({marker, index, star, view, link}), applied
// hover(z)           the pointer is at data point z = [z1, z2], or off the plot / gone (z = null)
// click(pick)        a click or tap chose {z1, z2, index|null} (a training digit's index, or none)
// draw(g, a)         the overlay is being drawn: g its 2-D context (clipped, CSS pixels), a = area(ctx)
// dispose()          the plane goes away (another model, or its element left the page): undo listeners
export const EVENTS = ["ready", "relayouting", "relayout", "afterplot", "state", "hover", "click", "draw", "dispose"];

export function makeContext({ S, P, dec, d, root, channel, setStateValue, setTriggerValue }) {
  const handlers = Object.fromEntries(EVENTS.map((name) => [name, []]));
  return {
    S, P, dec, d, root, channel,
    classes: P.header.classes,
    plot: d.plot, // the div Plotly draws into
    on(name, fn) {
      if (!handlers[name]) throw new Error("unknown live-plane event: " + name);
      handlers[name].push(fn);
    },
    emit(name, ...args) {
      for (const fn of handlers[name]) fn(...args);
    },
    setTrigger: (name, value) => setTriggerValue(name, value), // one-shot value for this rerun (click)
    setState: (name, value) => setStateValue(name, value), // a value Python keeps (interp, error)
    gone: () => !root.isConnected, // the component's element left the page
  };
}
