// Colour by's continuous scale (colorby.js, colorhist.js): viridis, colour-blind safe and readable in grey.
// matplotlib's viridis at 0, 1/9, ..., 1; colours between two stops are mixed linearly in RGB.
export const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
export const DIM = "rgba(200, 200, 200, 0.25)"; // a digit outside the brushed range
const RGB = VIRIDIS.map((h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16)));

// The scale's colour for value v in the domain [lo, hi] (clamped), as "rgb(r, g, b)".
export function scaleColor(v, lo, hi) {
  const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * (RGB.length - 1);
  const i = Math.min(RGB.length - 2, Math.floor(t)), f = t - i;
  const c = RGB[i].map((a, k) => Math.round(a + (RGB[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export const fmt = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
