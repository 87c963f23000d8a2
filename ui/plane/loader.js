// The live plane's component module, as Streamlit holds it: a few lines that load the plane's code from
// the app's static files and hand it each call. data.module is ui/plane/js/*.js joined into one ES
// module (ui/plane/bundle.py), data.style is plane.css; ui/plane/publish.py writes both under names
// that hold their content's hash (ui/plane/component.py).
//
// Why not inline: Streamlit sends a component's inline code inside its element, on every rerun that
// draws it, so every click or slider move carried the plane's ~190 KB of code again, and the browser
// compiled it afresh from a blob on each page load. As files, the code travels once per browser, a
// returning browser keeps it (and its compiled form), and a rerun's element holds only data.
// The contract is unchanged: the plane's default export gets this call's {data, parentElement,
// setStateValue, setTriggerValue} and returns its cleanup (here, once its code has loaded).

const absolute = (u) => new URL(u, document.baseURI.replace(/[^/]*$/, "")).href;
const styles = new Map(); // url -> Promise, resolved once the stylesheet applies

function style(url) {
  if (!styles.has(url)) {
    const p = new Promise((resolve, reject) => {
      for (const old of document.head.querySelectorAll("link[data-lp-style]")) old.remove(); // another version
      const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: absolute(url) });
      link.dataset.lpStyle = "";
      link.onload = resolve;
      link.onerror = () => { link.remove(); reject(new Error("its style could not be fetched")); };
      document.head.appendChild(link);
    });
    p.catch(() => styles.delete(url)); // a later call tries again
    styles.set(url, p);
  }
  return styles.get(url);
}

export default function (component) {
  const { module, style: css } = component.data || {};
  if (!module || !css) return undefined;
  return Promise.all([import(absolute(module)), style(css)])
    .then(([plane]) => plane.default(component), () => component.setStateValue("error", "its code could not be fetched"));
}
