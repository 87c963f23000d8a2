"""The router: the app's pages, page config, session state and sidebar; app.py runs it.

Every page script calls ensure_router() first. Why: Streamlit 1.67 treats a folder named pages/
beside the main script as its old folder navigation until st.navigation runs once in the server
process (its internal pages-directory flag). On a fresh server a direct link such as /upload
therefore runs pages/upload.py alone: no router, no sidebar, no session set-up. No public option
turns that off (client.showSidebarNavigation only hides the old page list), and the pages/ folder
stays. So a page that finds itself running outside the router runs the router right there
(st.navigation, public API, which also ends the old mode for good; the router then runs the same
URL's page with this run's widget events) and then asks for a rerun, which goes through app.py.
tests/e2e/test_router.py covers it; AppTest runs every page this way.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from ui import active_model, explore_state, sidebar
from ui.plane import ensure_plotly_js

# True while the router runs a page in this script thread (set around page.run()).
_routed: ContextVar[bool] = ContextVar("latent_explorer_routed", default=False)

# (script, title, Material icon, URL path). A URL path must be its script's file name: before the router
# first runs, Streamlit knows a page only by that name (see ensure_router).
PAGES = (
    ("pages/explore.py", "Explore", ":material/scatter_plot:", "explore"),
    ("pages/reconstructions.py", "Reconstructions", ":material/compare:", "reconstructions"),
    ("pages/compare.py", "Compare", ":material/compare_arrows:", "compare"),
    ("pages/upload.py", "Upload or draw", ":material/draw:", "upload"),
    ("pages/train.py", "Train", ":material/model_training:", "train"),
    ("pages/models.py", "Models", ":material/folder_open:", "models"),
)

# The browser tab's icon, served by this server: a `:material/...` tab icon makes the browser fetch
# an SVG from a font CDN on every page load (which fails offline). The navigation's Material icons
# come from the font Streamlit ships, so they stay (see run() for the order that keeps them local).
ICON = str(Path(__file__).resolve().parents[1] / "assets" / "icon.png")

# Streamlit's default top padding (6rem) pushes the chart and the decoded digit below a 900 px fold.
# On a phone, columns stack: the Explore page's decoder (sliders, digit) goes above the chart there.
CSS = """<style>
.stMainBlockContainer { padding-top: 2.2rem; padding-bottom: 2rem; }
[data-testid="stImageCaption"] { word-break: keep-all; overflow-wrap: normal; }  /* never "reconstr-uction" */
.st-key-selection_gallery img, .st-key-compare_selection_gallery img { image-rendering: pixelated; height: auto; }  /* sent at 28 px a digit, shown larger */
.st-key-selection_gallery .stImage > div, .st-key-compare_selection_gallery .stImage > div { max-width: 100%; }  /* a phone: narrower */
/* Plane first (Explore, Compare, Upload): a page with a live plane keeps narrow side margins, and Explore's side
   column (sliders, clicked digit) sits beside the plane where both fit, else under it (ui/plane/explore.py). */
.stMainBlockContainer:has(.lp-root) { padding-left: 1.5rem; padding-right: 1.5rem; }
.st-key-compare_live_a, .st-key-compare_live_b { --lp-above: 9rem; --lp-pair-gap: 1rem; }  /* Compare: both plots whole under one row of pickers and one toolbar; the columns' small gap */
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-explore_plane_col) { flex-wrap: wrap; }
[data-testid="stColumn"]:has(.st-key-explore_plane_col) { flex: 1 1 56rem !important; min-width: min(100%, 56rem); }
[data-testid="stColumn"]:has(.st-key-explore_side_col) { flex: 0 1 16rem !important; min-width: min(100%, 16rem); }
@media (max-width: 640px) {
  .stMainBlockContainer:has(.lp-root) { padding-left: 0.5rem; padding-right: 0.5rem; }
  .stMainBlockContainer { padding-top: 3rem; }
  [data-testid="stColumn"]:has(.st-key-explore_side) { order: -1; }
}
</style>"""


def run() -> None:
    """Set up the page and the session, draw the navigation and the sidebar, run the chosen page."""
    pages = [
        st.Page(script, title=title, icon=icon, url_path=url, default=i == 0)
        for i, (script, title, icon, url) in enumerate(PAGES)
    ]
    # The tab's icon goes first: the browser takes the navigation's page icon as the tab's icon
    # until a page config has named one, and a Material page icon is fetched from a font CDN.
    st.set_page_config(page_title="Latent Explorer", page_icon=ICON, layout="wide")
    # Then st.navigation, before any element is sent: it is what ends the old folder mode.
    page = st.navigation(pages)
    active_model.init_state()
    explore_state.from_url()
    ensure_plotly_js()  # static/plotly-gl2d-<version>.min.js for the live plane, once per process
    st.html(CSS)
    sidebar.sidebar(active_model.active_bundle())
    token = _routed.set(True)
    try:
        page.run()
    finally:
        _routed.reset(token)


def ensure_router() -> None:
    """Call first in every page script: if it was started without the router, run the router instead."""
    if not _routed.get():
        try:
            run()  # this run: the page with this run's widget events (a click is not lost)
        finally:  # even if the browser stopped this run: once more, now through app.py
            st.rerun()
