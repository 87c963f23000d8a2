// Giving a plot's WebGL contexts back. Plotly's scattergl draws with one WebGL context on each of its
// "context" and "focus" canvases; Plotly.purge removes the canvases but leaves the contexts to the
// garbage collector, and a browser keeps only about 16 alive (then it drops the oldest with the
// console warning "Too many active WebGL contexts"). Losing them at once frees them now.
// (Plotly's pick canvas gets a context only for parcoords: asking it for one would make one.)
const GL_CANVASES = "canvas.gl-canvas-context, canvas.gl-canvas-focus";

export function loseGL(Plotly, gd) {
  const contexts = [];
  for (const c of gd.querySelectorAll(GL_CANVASES)) {
    const gl = c.getContext("webgl") || c.getContext("webgl2");
    if (gl) contexts.push(gl);
  }
  Plotly.purge(gd);
  for (const gl of contexts) {
    const ext = gl.isContextLost() ? null : gl.getExtension("WEBGL_lose_context");
    if (ext) ext.loseContext();
  }
}
