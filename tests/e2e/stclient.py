"""A light Streamlit client: one browser session over /_stcore/stream, without a browser.

It speaks the protocol the browser speaks (streamlit.proto's BackMsg out, ForwardMsg in): a run is a
`rerun_script` BackMsg carrying the page, the query string, every widget's state and, for a fragment,
its id; the server streams deltas and ends with `script_finished`. Cacheable messages are remembered
by hash and their hashes sent back, as the browser does, so reruns get references, not 1.5 MB again.
Used by bench/load.py, tests/e2e/test_two_servers.py and tests/e2e/test_explore.py (run_async runs a session beside Playwright):

    async with Session(url) as s:
        run = await s.open("explore")                      # Run(seconds, status, exceptions, ...)
        run = await s.set_widget("explore_z1", 3.5)        # a fragment rerun if the widget is in one
        s.elements("arrow_data_frame")                     # the last run's elements of one type
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

DONE = {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR"}
MAX_SIZE = 64 * 2**20  # the live plane's payload is 1.5 MB; a first page can carry several


@dataclass
class Widget:
    id: str
    kind: str  # the element type: slider, number_input, checkbox, selectbox, ...
    fragment_id: str
    proto: object  # the element's proto (its options, min, max, default)


@dataclass
class Run:
    seconds: float  # BackMsg sent -> script_finished received
    status: str
    exceptions: list[str] = field(default_factory=list)  # texts of exception elements (none expected)
    messages: int = 0
    bytes: int = 0


def run_async(coro):
    """Run a coroutine to its end in a thread of its own (Playwright's sync API may hold this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class Session:
    def __init__(self, url: str, timeout: float = 60.0):
        self.ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page_script_hash (from the navigation message)
        self.page = ""
        self.query = ""
        self.widgets: dict[str, Widget] = {}  # user key -> widget, as last drawn
        self.states: dict[str, WidgetState] = {}  # widget id -> the state we last sent
        self.cached: set[str] = set()
        self.by_type: dict[str, list] = {}  # element type -> elements of the last run

    async def __aenter__(self):
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=MAX_SIZE, open_timeout=30)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def open(self, page: str = "", query: str = "") -> Run:
        """Open a page (url path, '' = the default) as a click in the sidebar does: a full run."""
        self.page, self.query = page, query
        self.widgets.clear()
        self.states.clear()
        return await self._run()

    async def set_widget(self, key: str, value) -> Run:
        """Change one widget as a user would; the run is its fragment's if it sits in one."""
        w = self.widgets[key]
        st = WidgetState(id=w.id)
        if w.kind == "slider":
            st.double_array_value.data.extend(value if isinstance(value, list | tuple) else [value])
        elif w.kind in ("checkbox", "toggle"):
            st.bool_value = bool(value)
        elif w.kind == "number_input":
            if isinstance(value, int):
                st.int_value = value
            else:
                st.double_value = value
        elif w.kind in ("selectbox", "radio", "text_input"):
            st.string_value = str(value)
        elif w.kind == "button":
            st.trigger_value = True
        else:
            raise ValueError(f"unsupported widget kind {w.kind}")
        self.states[w.id] = st
        return await self._run(fragment_id=w.fragment_id)

    def elements(self, kind: str) -> list:
        """The elements of one type (e.g. "dataframe", "alert") drawn by the latest full run and its fragments."""
        return self.by_type.get(kind, [])

    async def _run(self, fragment_id: str = "") -> Run:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.pages.get(self.page, "")
        cs.page_name = self.page
        cs.fragment_id = fragment_id
        cs.cached_message_hashes.extend(self.cached)
        cs.widget_states.widgets.extend(self.states.values())
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = Run(0.0, "")
        for st in self.states.values():  # a trigger (button) fires once, as in the browser
            if st.WhichOneof("value") == "trigger_value":
                st.trigger_value = False
        async with asyncio.timeout(self.timeout):
            while True:
                data = await self.ws.recv()
                run.messages += 1
                run.bytes += len(data)
                fm = ForwardMsg()
                fm.ParseFromString(data)
                if fm.metadata.cacheable and fm.hash:
                    self.cached.add(fm.hash)
                kind = fm.WhichOneof("type")
                if kind == "navigation":
                    self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
                    self.pages.setdefault("", fm.navigation.page_script_hash)
                elif kind == "new_session" and not fragment_id:
                    self.by_type = {}  # a full run starts (again, after st.rerun): its elements only
                elif kind == "delta":
                    self._delta(fm.delta, run)
                elif kind == "script_finished":
                    status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                    if status in DONE:
                        run.seconds, run.status = time.perf_counter() - t0, status
                        return run

    def _delta(self, delta, run: Run) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(el, kind)
        self.by_type.setdefault(kind, []).append(proto)
        if kind == "exception":
            run.exceptions.append(f"{proto.type}: {proto.message}")
        wid = getattr(proto, "id", "")
        if isinstance(wid, str) and wid.startswith("$$ID-"):
            key = wid.split("-", 2)[2] if wid.count("-") >= 2 else wid
            self.widgets[key] = Widget(wid, kind, delta.fragment_id, proto)
