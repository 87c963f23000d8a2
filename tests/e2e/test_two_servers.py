"""Two `streamlit run` servers sharing one LATENT_EXPLORER_MODELS: each sees the other's changes, never half a model.

Actions go through the Models page in Chromium (upload on A, rename on B, delete on A: each needs the
other server to list the model first), while a light protocol client (tests/e2e/stclient.py) reads
both servers' Models tables over and over. Concurrent renames onto one name from both servers go
through the same file lock that tests/test_crash_safe.py checks between plain processes.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from model.folders import atomic, check, modelzip
from model.folders.library import SHIPPED_DIR, Library
from tests.e2e.app_utils import assert_no_exception, start_streamlit, stop, wait_for_app
from tests.e2e.stclient import Session, run_async

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("two_servers")]

SEED = SHIPPED_DIR / "seed"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(library folder, url A, url B): two servers on 127.0.0.1 sharing one library."""
    lib = tmp_path_factory.mktemp("shared-library")
    env = {"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_LIVE": "0"}
    a, url_a = start_streamlit(env)
    try:
        b, url_b = start_streamlit(env)
    except Exception:
        stop(a)
        raise
    yield lib, url_a, url_b
    stop(a)
    stop(b)


def models_table(s: Session) -> dict[str, dict]:
    """The Models page's table as the server last sent it: name -> row."""
    (df,) = s.elements("dataframe")  # exactly one table per run
    rows = pa.ipc.open_stream(df.arrow_data.data).read_all().to_pylist()
    return {r["name"]: r for r in rows}


def notices(s: Session) -> list[str]:
    return [a.body for a in s.elements("alert")]


async def read_models(url: str) -> dict[str, dict]:
    async with Session(url) as s:
        run = await s.open("models")
        assert not run.exceptions, run.exceptions
        return models_table(s)


class Watcher(threading.Thread):
    """Reads both servers' Models tables in a loop (a fresh session each time) until stopped."""

    def __init__(self, urls):
        super().__init__(daemon=True)
        self.urls, self.snapshots, self.errors, self.stop_ev = urls, [], [], threading.Event()

    def run(self):
        async def loop():
            while not self.stop_ev.is_set():
                for url in self.urls:
                    try:
                        self.snapshots.append(await read_models(url))
                    except Exception as e:  # recorded; the test asserts there were none
                        self.errors.append(repr(e))

        asyncio.run(loop())


def pick_model(page, name: str) -> None:
    page.locator(".st-key-lib_selected [role=combobox], .st-key-lib_selected input").first.click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_for_app(page)


def test_upload_rename_delete_on_one_server_show_on_the_other(servers, page, tmp_path):
    """A model uploaded on A is renamed on B and deleted on A; both tables follow and never show it half-made."""
    lib, url_a, url_b = servers
    zip_path = tmp_path / "shared.zip"
    zip_path.write_bytes(modelzip.to_zip(SEED, "seed"))
    seed_bce = check.read_meta(SEED)["test_bce"]
    watcher = Watcher([url_a, url_b])
    watcher.start()
    try:
        page.goto(url_a + "/models")  # upload on A
        wait_for_app(page)
        page.locator('.st-key-lib_upload input[type="file"]').set_input_files(str(zip_path))
        page.get_by_role("button", name="Add to the library").click()
        page.get_by_text("Added shared").wait_for()

        page.goto(url_b + "/models")  # rename on B: B must list it to pick it
        wait_for_app(page)
        pick_model(page, "shared")
        page.locator('[data-testid="stExpander"] summary', has_text="Rename").click()
        page.locator(".st-key-lib_new_name input").fill("renamed")
        page.locator(".st-key-lib_new_name input").press("Enter")
        wait_for_app(page)
        page.locator(".st-key-lib_rename button").click()
        page.get_by_text("Renamed shared to renamed").wait_for()
        assert_no_exception(page, "B after rename")

        tables = run_async(read_models(url_a))  # A: the new name, the same model, nothing under the old one
        assert "shared" not in tables and tables["renamed"]["test BCE"] == pytest.approx(seed_bce)

        page.goto(url_b + "/?model=renamed")  # B opens it by its new name and decodes with it
        page.locator('.st-key-explore_decoded [data-testid="stImage"] img').wait_for()
        assert_no_exception(page, "B explore ?model=renamed")

        page.goto(url_a + "/models")  # delete on A: A must list the new name to pick it
        wait_for_app(page)
        pick_model(page, "renamed")
        page.locator('[data-testid="stExpander"] summary', has_text="Delete").click()
        page.locator(".st-key-lib_delete_sure label").click()
        wait_for_app(page)
        page.locator(".st-key-lib_delete button").click()
        page.get_by_text("Deleted renamed").wait_for()
        assert "renamed" not in run_async(read_models(url_b))
    finally:
        watcher.stop_ev.set()
        watcher.join(60)
    assert not watcher.errors, watcher.errors[:3]
    assert len(watcher.snapshots) >= 4
    for table in watcher.snapshots:  # every listing: the model whole under at most one name, or absent
        mine = [table[n] for n in ("shared", "renamed") if n in table]
        assert len(mine) <= 1, table.keys()
        for row in mine:
            assert not str(row["config"]).startswith("unreadable") and row["test BCE"] == pytest.approx(seed_bce)
    assert leftovers(lib) == []


async def prepare_rename(url: str, src: str, new: str, overwrite: bool) -> Session:
    """A Models page session with `src` chosen and `new` typed in the rename box, ready to click."""
    s = Session(url)
    await s.__aenter__()
    await s.open("models")
    await s.set_widget("lib_selected", src)
    await s.set_widget("lib_new_name", new)
    if overwrite:
        await s.set_widget("lib_rename_overwrite", True)
    return s


async def rename_race(lib: Path, url_a: str, url_b: str, overwrite: bool) -> list[list[str]]:
    """Both servers' Rename clicks arrive while this process holds the library's lock; then it lets go.

    Both pass the page's "is the name free" check, so both must wait on the lock and one must be refused
    by the check made again under it: the race is forced, not left to timing.
    """
    sa, sb = await asyncio.gather(
        prepare_rename(url_a, "x", "z", overwrite), prepare_rename(url_b, "y", "z", overwrite)
    )
    try:
        with atomic.dir_lock(lib):
            clicks = [asyncio.create_task(s.set_widget("lib_rename", True)) for s in (sa, sb)]
            await asyncio.sleep(3)
            assert not any(c.done() for c in clicks), "a rename finished while another process held the lock"
        runs = await asyncio.gather(*clicks)
        assert not any(r.exceptions for r in runs)
        return [notices(sa), notices(sb)]
    finally:
        await asyncio.gather(sa.__aexit__(), sb.__aexit__())


def test_concurrent_renames_onto_one_name_from_two_servers(servers):
    """Both servers rename a model onto one name at once: the file lock serialises them, one is refused in words."""
    lib, url_a, url_b = servers
    library = Library(lib)
    data = modelzip.to_zip(SEED, "seed")
    for overwrite in (False, True):
        for name in ("x", "y", "z"):
            if library.exists(name):
                library.delete(name)
        modelzip.import_zip(data, library, "x")
        modelzip.import_zip(data, library, "y")
        if overwrite:  # the replace box shows only for a taken name
            modelzip.import_zip(data, library, "z")
        said = run_async(rename_race(lib, url_a, url_b, overwrite))
        renamed = [any("Renamed" in t for t in n) for n in said]
        names = {n for n in ("x", "y", "z") if library.exists(n)}
        if overwrite:  # both went through, one after the other: z is the later one, the other name is gone
            assert renamed == [True, True] and names == {"z"}, said
        else:  # one won; the other was refused in words and keeps its model
            assert sorted(renamed) == [False, True], said
            loser = said[renamed.index(False)]
            assert any("already exists" in t for t in loser), loser
            assert names in ({"x", "z"}, {"y", "z"})
        for n in names:
            meta, _ = check.check_folder(lib / n)
            assert meta["name"] == n
    tables = run_async(read_models(url_a)), run_async(read_models(url_b))
    for table in tables:
        assert "z" in table and "x" not in table and "y" not in table
        assert not str(table["z"]["config"]).startswith("unreadable")
    assert leftovers(lib) == []


def leftovers(lib: Path) -> list[str]:
    live = atomic.referenced(lib) | {atomic.LOCK_NAME}
    return sorted(p.name for p in lib.iterdir() if p.name.startswith(".") and p.name not in live)
