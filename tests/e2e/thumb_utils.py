"""Shared by tests/e2e/test_thumbnails.py and bench/plane_reading.py: zoom a live plane until its digits
show as thumbnails (timed in the page), read a drawn thumbnail back, redraw the points as they used to be.

    ms = zoom_to_thumbnails(page, "explore_plane", spot=3, kind="cold")   # also "prefetched", "decoded"
    index, pixels = last_thumbnail(page, "explore_plane")                 # (28, 28) uint8 as drawn
"""

from __future__ import annotations

import numpy as np

STATE = "(ch) => window.__livePlane[ch]"
DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'

# The plane as it was before fair colours: one scattergl trace per class, class 9 drawn last (over the others).
LEGACY_TRACES = f"""async (ch) => {{
    const S = ({STATE})(ch), P = S.P, n = P.header.classes.length, gd = S.gd;
    const pal = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    const traces = Array.from({{ length: n }}, (_, k) => {{
        const idx = []; for (let i = 0; i < P.y.length; i++) if (P.y[i] === k) idx.push(i);
        return {{ type: "scattergl", mode: "markers", name: P.header.classes[k], hoverinfo: "skip",
            x: Float32Array.from(idx, (i) => P.z[2 * i]), y: Float32Array.from(idx, (i) => P.z[2 * i + 1]),
            marker: {{ size: 3, color: pal[k % 10], opacity: +S.d.opacity.value / 100 }} }};
    }});
    await S.Plotly.react(gd, traces, gd.layout);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}}"""

# Zoom set-up: a centre among the shown digits (spot picks which), the half-width holding `start` digits
# and the one holding `end`, as a box of the plot area's shape. Sets the view to the start box and
# arms window.__tz (wheel times, when data-thumbnails first turns positive). Returns [cx, cy, wheels, h1, r].
SETUP = f"""async ([ch, spot, start, end, decoded]) => {{
    const S = ({STATE})(ch), P = S.P, fl = S.gd._fullLayout, r = fl.yaxis._length / fl.xaxis._length;
    const N = P.y.length, i0 = (spot * 7919 + 104729) % N, cx = P.z[2 * i0], cy = P.z[2 * i0 + 1];
    const d = new Float64Array(N);
    for (let i = 0; i < N; i++) d[i] = Math.max(Math.abs(P.z[2 * i] - cx), Math.abs(P.z[2 * i + 1] - cy) / r);
    d.sort();
    const h0 = d[start], h1 = d[end];
    window.__tzPrev = window.__lpState[ch].thumbs;
    if (decoded) window.__lpState[ch].thumbs = "decoded"; // as the server says without the data set
    await S.Plotly.relayout(S.gd, {{ "xaxis.range": [cx - h0, cx + h0], "yaxis.range": [cy - h0 * r, cy + h0 * r] }});
    window.__tz = {{ wheels: [], shown: 0, done: 0 }};
    if (!window.__tzWired) {{
        window.__tzWired = true;
        document.addEventListener("wheel", () => window.__tz.wheels.push(performance.now()), {{ capture: true, passive: true }});
        new MutationObserver(() => {{
            const t = window.__tz, T = S.thumbs, now = performance.now();
            if (+S.d.plot.getAttribute("data-thumbnails") > 0 && !t.shown) t.shown = now;
            if (T.want > 0 && T.drawn.length === T.want && !t.done) t.done = now;
        }})
            .observe(S.d.plot, {{ attributes: true, attributeFilter: ["data-thumbnails"] }});
    }}
    return [cx, cy, Math.ceil(Math.log(h0 / h1) / 0.1) + 1, h1, r];
}}"""
PX = f"""([ch, z1, z2]) => {{ const S = ({STATE})(ch), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
    return [r.left + fl.xaxis._offset + fl.xaxis.l2p(z1), r.top + fl.yaxis._offset + fl.yaxis.l2p(z2)]; }}"""
JUMP = f"""([ch, cx, cy, h, r]) => {{ const S = ({STATE})(ch); window.__tz.wheels.push(performance.now());
    S.Plotly.relayout(S.gd, {{ "xaxis.range": [cx - h, cx + h], "yaxis.range": [cy - h * r, cy + h * r] }}); }}"""
DONE = "() => window.__tz.shown > 0 && window.__tz.done > 0"
# ms from the last wheel event before the first thumbnail showed: to it, and to every digit in view drawn
ELAPSED = """() => { const t = window.__tz, rest = Math.max(...t.wheels.filter((w) => w <= t.shown));
    return [t.shown - rest, t.done - rest]; }"""


def zoom_to_thumbnails(
    page, channel: str, spot: int, kind: str = "cold", timeout: float = 30_000
) -> tuple[float, float]:
    """ms from the last wheel event of a real zoom (to at most 400 digits in view) to the first
    thumbnail drawn, and to every digit in view drawn.

    kind "cold": from 2,000 in view (nothing fetched yet; the plane may ask while the zoom passes 1,000);
    "jump": from 2,000 straight to the end view in one step (Plotly.relayout, as a box zoom does: a full
    round trip to Python after it); "prefetched": from 750 in view, once the plane has fetched their
    originals; "decoded": from 2,000, the browser decoding them (as without the data set).
    """
    start = 750 if kind == "prefetched" else 2000
    cx, cy, wheels, h1, r = page.evaluate(SETUP, [channel, spot, start, 280, kind == "decoded"])
    page.wait_for_function(f"() => ({STATE})('{channel}').d.plot.getAttribute('data-thumbnails') === '0'")
    if kind == "prefetched":  # every digit in view fetched and cached
        page.wait_for_function(f"() => ({STATE})('{channel}').thumbs.asked.size === 0", timeout=timeout)
    page.wait_for_timeout(300)
    page.evaluate("() => { window.__tz.wheels = []; window.__tz.shown = 0; window.__tz.done = 0; }")
    page.mouse.move(*page.evaluate(PX, [channel, cx, cy]))
    if kind == "jump":
        page.evaluate(JUMP, [channel, cx, cy, h1, r])
    for _ in range(0 if kind == "jump" else wheels):
        page.mouse.wheel(0, -100)
    page.wait_for_function(DONE, timeout=timeout)
    first, every = page.evaluate(ELAPSED)
    page.evaluate("(ch) => { window.__lpState[ch].thumbs = window.__tzPrev; }", channel)
    return float(first), float(every)


# The last thumbnail drawn (nothing is drawn over it) that lies wholly inside the plot area, read back
# from the thumbnails canvas at its source pixels' centres: [index, [784 grey values]], or null.
LAST = f"""(ch) => {{
    const S = ({STATE})(ch), fl = S.gd._fullLayout, c = S.thumbs.canvas, dpr = window.devicePixelRatio || 1;
    const ax = fl.xaxis._offset, ay = fl.yaxis._offset, aw = fl.xaxis._length, ah = fl.yaxis._length;
    for (let k = S.thumbs.drawn.length - 1; k >= 0; k--) {{
        const [i, x0, y0, s] = S.thumbs.drawn[k];
        if (x0 < ax || y0 < ay || x0 + s > ax + aw || y0 + s > ay + ah) continue;
        const data = c.getContext("2d").getImageData(x0 * dpr, y0 * dpr, s * dpr, s * dpr).data, out = [];
        for (let v = 0; v < 28; v++) for (let u = 0; u < 28; u++) {{
            const px = Math.floor((u + 0.5) * s * dpr / 28), py = Math.floor((v + 0.5) * s * dpr / 28);
            out.push(data[4 * (py * s * dpr + px)]);
        }}
        return [i, out];
    }}
    return null;
}}"""


def last_thumbnail(page, channel: str) -> tuple[int, np.ndarray]:
    """(training index, (28, 28) uint8) of the last thumbnail drawn, read back from the canvas."""
    got = page.evaluate(LAST, channel)
    assert got is not None, "no thumbnail lies wholly inside the plot"
    return int(got[0]), np.asarray(got[1], np.uint8).reshape(28, 28)
