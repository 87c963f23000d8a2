"""Shared helpers of the AppTests: what a page sends the live plane, and its still picture.

AppTest runs no JavaScript, so a page's live plane is seen as the state it is sent (ui/plane/component.py's
small state component: marker, index, star, view, link) and the payload it is given.
"""

from __future__ import annotations

import json

from ui.plane.picture import CAPTION


def plane(at, channel: str):
    """The live plane `channel`'s element (its payload in .proto.bytes), or None when the page has none."""
    for c in at.get("bidi_component"):
        if c.proto.component_name.endswith(".live_plane") and c.proto.id.endswith(f"-{channel}"):
            return c
    return None


def plane_payload(at, channel: str) -> bytes:
    """The live plane's payload bytes: the file its data names (static/lp/<sha>.bin), or inline bytes."""
    c = plane(at, channel)
    ref = json.loads(c.proto.json) if c.proto.json else {}
    if ref.get("sha"):
        from ui.plane.publish import lp_dir

        return (lp_dir() / f"{ref['sha']}.bin").read_bytes()
    return c.proto.bytes


def plane_state(at, channel: str = "explore_plane") -> dict:
    """What the page sends the live plane `channel`: {marker, index, star, view, link}."""
    for c in at.get("bidi_component"):
        if c.proto.component_name.endswith(".live_plane_state") and c.proto.id.endswith(f"-{channel}_state"):
            return json.loads(c.proto.json)
    raise AssertionError(f"no live plane {channel} on the page")


def pictures(at) -> list[str]:
    """The media URLs of the page's still pictures of the plane (ui/plane/picture.py), in page order.

    Streamlit names media by content, so a picture with its marker moved has a new URL.
    """
    return [e.value[0] for e in at.get("image") if e.proto.imgs[0].caption.startswith(CAPTION)]
