"""Shared by tests/e2e/test_thumbnails.py and bench/plane_reading.py: zoom a live plane until its digits
show as thumbnails (timed in the page), read a drawn thumbnail back, redraw the points as they used to be.

    ms = zoom_to_thumbnails(page, "explore_plane", spot=3, kind="cold")   # also "jump", "prefetched", "decoded"
    wheel_into(page, "explore_plane", *densest_spot(page, "explore_plane"))   # a person's wheel zoom
    index, pixels = last_thumbnail(page, "explore_plane")                 # (28, 28) uint8 as drawn
"""

from __future__ import annotations

import math

import numpy as np

STATE = "(ch) => window.latentPlane.view(ch)"  # the plane's test view (ui/plane/js/view.js)
PLOT = '(ch) => document.querySelector(`[data-testid="lp-plot"][data-channel="${ch}"]`)'
DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'

# The plane as it was before fair colours: one scattergl trace per class, class 9 drawn last (over the others).
LEGACY_TRACES = f"""async (ch) => {{
    const v = ({STATE})(ch), P = v.points(), n = v.classes.length, gd = ({PLOT})(ch);
    const opacity = +gd.closest(".lp-root").querySelector('[data-testid="lp-opacity"]').value / 100;
    const pal = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    const traces = Array.from({{ length: n }}, (_, k) => {{
        const idx = []; for (let i = 0; i < P.y.length; i++) if (P.y[i] === k) idx.push(i);
        return {{ type: "scattergl", mode: "markers", name: v.classes[k], hoverinfo: "skip",
            x: Float32Array.from(idx, (i) => P.z[2 * i]), y: Float32Array.from(idx, (i) => P.z[2 * i + 1]),
            marker: {{ size: 3, color: pal[k % 10], opacity }} }};
    }});
    await window.Plotly.react(gd, traces, gd.layout);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}}"""

# Zoom plan: a centre among the shown digits (spot picks which; or spot is [z1, z2]), the half-width holding `start` digits and
# the one holding `end`, as a box of the plot area's shape; `fresh`: whether none of the tile blocks the
# end view needs has been fetched yet (true before the manifest is in). Returns [cx, cy, h0, h1, r, fresh].
PLAN = f"""([ch, spot, start, end]) => {{
    const v = ({STATE})(ch), P = v.points(), r = v.area.h / v.area.w;
    const N = P.y.length, i0 = (spot * 7919 + 104729) % N;
    const [cx, cy] = Array.isArray(spot) ? spot : [P.z[2 * i0], P.z[2 * i0 + 1]];
    const d = new Float64Array(N);
    for (let i = 0; i < N; i++) d[i] = Math.max(Math.abs(P.z[2 * i] - cx), Math.abs(P.z[2 * i + 1] - cy) / r);
    d.sort();
    const h0 = d[start], h1 = d[end], T = v.thumbnails, fetched = new Set(T.fetched);
    const fresh = !T.blocks || T.blocks.every((b, k) => !fetched.has(k) ||
        b[0] > cx + h1 || b[1] < cx - h1 || b[2] > cy + h1 * r || b[3] < cy - h1 * r);
    return [cx, cy, h0, h1, r, fresh];
}}"""
# Zoom set-up: sets the view to the start box (half-width h0) and arms window.__tz: wheel times, when
# data-thumbnails first turns positive (shown) and when every digit in view is drawn (done), and the
# time of the last plotly_relayout (rested: a zoom has come to rest after it). `decoded`: the plot's
# data-thumbs-source="decoded" makes the plane decode the digits, as without the data set.
SETUP = f"""async ([ch, cx, cy, h0, r, decoded]) => {{
    const gd = ({PLOT})(ch);
    if (decoded) gd.dataset.thumbsSource = "decoded";
    await window.Plotly.relayout(gd, {{ "xaxis.range": [cx - h0, cx + h0], "yaxis.range": [cy - h0 * r, cy + h0 * r] }});
    window.__tz = {{ wheels: [], shown: 0, done: 0, rested: performance.now() }};
    if (!window.__tzWired) {{
        window.__tzWired = true;
        document.addEventListener("wheel", () => window.__tz.wheels.push(performance.now()), {{ capture: true, passive: true }});
        gd.on("plotly_relayout", () => {{ window.__tz.rested = performance.now(); }});
        new MutationObserver(() => {{
            const t = window.__tz, now = performance.now(), T = ({STATE})(ch).thumbnails;
            if (+gd.getAttribute("data-thumbnails") > 0 && !t.shown) t.shown = now;
            if (T.want > 0 && T.shown === T.want && !t.done) t.done = now;
        }})
            .observe(gd, {{ attributes: true, attributeFilter: ["data-thumbnails"] }});
    }}
}}"""
PX = f"([ch, z1, z2]) => ({STATE})(ch).toPage(z1, z2)"
# the view of half-width h around (cx, cy) in one step, as a box zoom sets it (Plotly.relayout)
VIEW = f"""([ch, cx, cy, h, r]) =>
    window.Plotly.relayout(({PLOT})(ch), {{ "xaxis.range": [cx - h, cx + h], "yaxis.range": [cy - h * r, cy + h * r] }})"""
JUMP = f"""(args) => {{ window.__tz.wheels.push(performance.now()); ({VIEW})(args); }}"""
DONE = "() => window.__tz.shown > 0 && window.__tz.done > 0"
# the zoom has come to rest: Plotly's relayout after the last wheel event (a wheel zoom ends 50 ms after it)
RESTED = "() => window.__tz.rested > Math.max(...window.__tz.wheels)"
# ms from the last wheel event before the first thumbnail showed: to it, to every digit in view drawn, and
# to the plane's relayout event (Plotly has redrawn the points in the new view; a wheel zoom's comes 50 ms
# after its last wheel event at the earliest, often after its thumbnails)
ELAPSED = f"""(ch) => {{ const t = window.__tz, rest = Math.max(...t.wheels.filter((w) => w <= t.shown));
    return [t.shown - rest, t.done - rest, ({STATE})(ch).stats.relayoutAt - rest]; }}"""
IDLE = f"(ch) => ({STATE})(ch).thumbnails.idle"
ZERO = f"(ch) => ({PLOT})(ch).getAttribute('data-thumbnails') === '0'"


def zoom_to_thumbnails(
    page, channel: str, spot: int, kind: str = "cold", timeout: float = 30_000
) -> tuple[float, float, float]:
    """ms from the last wheel event of a real zoom (to at most 400 digits in view) to the first
    thumbnail drawn, to every digit in view drawn, and to the plane's relayout event (Plotly's redraw done).

    kind "cold": from 2,000 in view (nothing fetched yet; the plane may fetch while the zoom passes
    1,000); "jump": from 2,000 straight to the end view in one step (Plotly.relayout, as a box zoom
    does), into a spot none of whose tile blocks this page has fetched: the blocks' GETs after it;
    "prefetched": from 750 in view, once the plane has fetched their originals; "decoded": from 2,000,
    the browser decoding them (as without the data set).
    """
    start = 750 if kind == "prefetched" else 2000
    page.wait_for_function(IDLE, arg=channel, timeout=timeout)  # the manifest is in: PLAN can tell fresh spots
    for attempt in range(200):
        cx, cy, h0, h1, r, fresh = page.evaluate(PLAN, [channel, spot + 1000 * attempt, start, 280])
        if fresh or kind != "jump":
            break
    else:
        raise AssertionError("every spot tried was fetched already")
    page.evaluate(SETUP, [channel, cx, cy, h0, r, kind == "decoded"])
    page.wait_for_function(ZERO, arg=channel)
    if kind == "prefetched":  # every digit in view fetched and cached
        page.wait_for_function(IDLE, arg=channel, timeout=timeout)
    page.wait_for_timeout(300)
    page.evaluate("() => { window.__tz.wheels = []; window.__tz.shown = 0; window.__tz.done = 0; }")
    page.mouse.move(*page.evaluate(PX, [channel, cx, cy]))
    if kind == "jump":
        page.evaluate(JUMP, [channel, cx, cy, h1, r])
    for _ in range(0 if kind == "jump" else math.ceil(math.log(h0 / h1) / 0.1) + 1):
        page.mouse.wheel(0, -100)
    page.wait_for_function(DONE, timeout=timeout)
    page.wait_for_function(RESTED, timeout=timeout)  # else Plotly's pending wheel relayout undoes the next set-up
    first, every, redrawn = page.evaluate(ELAPSED, channel)
    page.evaluate(f"(ch) => {{ delete ({PLOT})(ch).dataset.thumbsSource; }}", channel)
    return float(first), float(every), float(redrawn)


# The centre of the densest cell of a 48 x 48 grid over the current view (the shown digits only): [z1, z2].
DENSEST = f"""(ch) => {{
    const v = ({STATE})(ch), P = v.points(), G = 48, c = new Uint32Array(G * G);
    const [x0, x1] = v.range.x, [y0, y1] = v.range.y;
    for (let i = 0; i < P.y.length; i++) {{
        const u = Math.floor((P.z[2 * i] - x0) / (x1 - x0) * G), v = Math.floor((P.z[2 * i + 1] - y0) / (y1 - y0) * G);
        if (u >= 0 && u < G && v >= 0 && v < G) c[v * G + u] += 1;
    }}
    const k = c.indexOf(Math.max(...c));
    return [x0 + ((k % G) + 0.5) * (x1 - x0) / G, y0 + (Math.floor(k / G) + 0.5) * (y1 - y0) / G];
}}"""


def densest_spot(page, channel: str) -> tuple[float, float]:
    """(z1, z2) of the densest spot in the current view."""
    z1, z2 = page.evaluate(DENSEST, channel)
    return float(z1), float(z2)


# The page's clock at its latest wheel event (window.__lastWheel), kept by a listener added once.
WHEEL_CLOCK = """() => { if (!window.__wheelClock) { window.__wheelClock = true;
    document.addEventListener("wheel", () => { window.__lastWheel = performance.now(); }, { capture: true, passive: true }); } }"""


def wheel_into(page, channel: str, z1: float, z2: float, most: int = 200) -> int:
    """Turn the mouse wheel over (z1, z2), as a person zooms, until at most 400 digits are in view; wheel events used."""
    page.mouse.move(*page.evaluate(PX, [channel, z1, z2]))
    page.evaluate(WHEEL_CLOCK)
    for n in range(1, most + 1):
        page.mouse.wheel(0, -100)
        if n % 4 == 0 and page.evaluate(f"(ch) => ({STATE})(ch).thumbnails.want > 0", channel):
            # Plotly ends a wheel zoom with a relayout 50 ms after its last wheel event; a relayout made
            # before that (a test zooming out) would be undone by it
            page.wait_for_function(f"(ch) => ({STATE})(ch).stats.relayoutAt > window.__lastWheel", arg=channel)
            return n
    raise AssertionError(f"{most} wheel steps did not bring 400 or fewer digits into view")


# The last thumbnail drawn (nothing is drawn over it) that lies wholly inside the plot area, read back
# from the thumbnails canvas at its source pixels' centres: [index, [784 grey values]], or null.
LAST = f"""(ch) => {{
    const v = ({STATE})(ch), c = ({PLOT})(ch).parentNode.querySelector('[data-testid="lp-thumbs"]');
    const dpr = window.devicePixelRatio || 1, ax = v.area.left, ay = v.area.top, aw = v.area.w, ah = v.area.h;
    for (let k = v.thumbnails.drawn.length - 1; k >= 0; k--) {{
        const [i, x0, y0, s] = v.thumbnails.drawn[k];
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
