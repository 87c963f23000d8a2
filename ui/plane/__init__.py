"""The live latent plane, as one package: what a page needs is imported from here.

    from ui.plane import can_run, live_plane, panel, picture, unavailable, upload_map
    from ui.plane import PALETTE, ensure_plotly_js      # the router, the Train page

component.py  the Components v2 component and its fallback decision (live_plane, unavailable, LiveResult)
explore.py    the Explore and Upload panels around it (panel, upload_map, can_run)
picture.py    the still picture drawn where the plane cannot run
bundle.py     joins js/*.js (the browser modules) into the component's one ES module
publish.py    what the browser fetches from static/: payload and tile sets in static/lp/ (pruned), plotly.min.js
thumbs.py     the thumbnail tiles the plane shows when zoomed in
plane.css     the plane's style
"""

from ui.plane import picture
from ui.plane.component import LiveResult, live_plane, unavailable
from ui.plane.explore import can_run, panel, upload_map
from ui.plane.picture import PALETTE
from ui.plane.publish import ensure_plotly_js

__all__ = [
    "PALETTE",
    "LiveResult",
    "can_run",
    "ensure_plotly_js",
    "live_plane",
    "panel",
    "picture",
    "unavailable",
    "upload_map",
]
