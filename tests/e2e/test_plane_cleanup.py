"""Page switches leave no live plane behind: 20 switches between Explore and Compare, counting WebGL contexts.

An init script wraps HTMLCanvasElement.prototype.getContext, so the page records every WebGL context made
(Plotly's scattergl makes two a plot: its "context" and "focus" canvases). After the switches, the contexts
still alive all sit on canvases in the document, inside the planes shown (two a plane at most): every
plane that left was disposed, its plot purged and its contexts lost at once, never left to the garbage
collector. The browser never says "Too many active WebGL contexts" (it drops the oldest past about 16).
"""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import assert_no_exception, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.long]  # handed out first (tests/conftest.py)

PER_PLOT = 2  # WebGL contexts a scattergl plot holds: Plotly's context and focus canvases
COUNT_GL = """() => {
  const orig = HTMLCanvasElement.prototype.getContext;
  window.__gl = [];
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const g = orig.call(this, type, ...rest);
    if (g && /webgl/.test(String(type)) && !window.__gl.some((e) => e.g === g)) window.__gl.push({ c: this, g });
    return g;
  };
}"""
# [contexts made, alive on canvases in the document, alive inside a drawn plane's plot, alive elsewhere
# (on canvases that left the document), planes drawn]
CENSUS = """() => {
  const alive = window.__gl.filter((e) => !e.g.isContextLost());
  const plots = [...document.querySelectorAll('[data-testid="lp-plot"][data-drawn="1"]')];
  const inDoc = alive.filter((e) => e.c.isConnected);
  return [window.__gl.length, inDoc.length, inDoc.filter((e) => plots.some((p) => p.contains(e.c))).length,
          alive.length - inDoc.length, plots.length];
}"""
PLANES = {"Explore": 1, "Compare": 2}


def switch(page, name: str) -> None:
    """Go to `name` by its sidebar link and wait until its planes are drawn and the other page's are gone."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    n = PLANES[name]
    page.wait_for_function(
        f"""() => document.querySelectorAll('[data-testid="lp-plot"]').length === {n}
            && document.querySelectorAll('[data-testid="lp-plot"][data-drawn="1"]').length === {n}""",
        timeout=120_000,
    )
    wait_for_app(page)
    assert_no_exception(page, f"switch to {name}")


def test_twenty_page_switches_leave_no_webgl_context_behind(page, live_url):
    """20 switches between Explore and Compare: the live contexts are only the shown planes', and none is dropped."""
    said = []
    page.on("console", lambda m: said.append(m.text))
    page.add_init_script(f"({COUNT_GL})();")  # before any page script: every context is counted
    page.goto(live_url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    for k in range(20):
        switch(page, "Compare" if k % 2 == 0 else "Explore")
        if k == 18:  # on Compare, two planes: the leaving Explore plane let go of its contexts at once
            page.wait_for_function(f"() => ({CENSUS})()[3] === 0", timeout=10_000)
            made, in_doc, in_planes, elsewhere, planes = page.evaluate(CENSUS)
            assert planes == 2 and in_doc == in_planes <= PER_PLOT * planes, (made, in_doc, in_planes)
    page.wait_for_function(f"() => ({CENSUS})()[3] === 0", timeout=10_000)  # the cleanup runs as the page goes
    made, in_doc, in_planes, elsewhere, planes = page.evaluate(CENSUS)
    assert planes == 1 and made >= PER_PLOT * 31  # 31 planes were drawn on the way (1 + 10 x 2 + 10 x 1)
    assert in_doc == in_planes <= PER_PLOT * planes and elsewhere == 0, (made, in_doc, in_planes, elsewhere)
    assert page.evaluate("() => window.latentPlane.view('compare_plane_a')") is None  # Compare's planes are gone
    assert page.evaluate("() => !!window.latentPlane.view('explore_plane').drawn")
    assert not [s for s in said if "Too many active WebGL contexts" in s], said[-5:]
