"""Train page: pick the options, train in the background, watch it live, stop, save.

Training runs train.fit (as the CLI does) in a model.jobs.job.TrainJob (a child process, watched by a
thread) kept in session_state: a Stop click can only be seen while the script is free to run.
While it trains, a fragment polls the job once a second and redraws only itself. A finished run
saves itself and becomes the active model; a stopped one is kept only if the user saves it.
"""

import streamlit as st

from model.data import CLASS_NAMES
from model.folders import library
from model.jobs.job import FINISHED, TrainJob
from ui import active_model, data_status, router, train_form, train_view

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

ss = st.session_state
LIBRARY = library.Library().root
ss.setdefault("train_job", None)
ss.setdefault("train_activated", None)  # id of the job whose saved model was made active
train_form.init_state(LIBRARY)


def start_ui() -> None:
    config, config_error = train_form.config_ui()
    name, overwrite, name_error = train_form.name_ui(LIBRARY)
    for error in (config_error, name_error):
        if error:
            st.warning(error)
    subset = bool(ss.get("train_subset_on"))
    if ss.get("train_make_active_for") != subset or "train_make_active" not in ss:  # off for a subset demo
        ss.train_make_active_for, ss.train_make_active = subset, not subset
    st.checkbox(
        "Make it the active model when it finishes", key="train_make_active",
        help="Only if its test BCE is no worse than the active model's; otherwise you choose afterwards.",
    )  # fmt: skip
    data_ok = config is None or data_status.data_available(config.dataset)
    if not data_ok:
        st.info(data_status.missing_data_line(config.dataset, "Training and its preview"), icon=":material/info:")
    if st.button("Train", key="train_start", type="primary", disabled=bool(config_error or name_error or not data_ok)):
        ss.train_job = TrainJob(config, name, LIBRARY, overwrite=overwrite).start()
        ss.train_wants_active = ss.train_make_active
        ss.train_overwrite = False
        st.rerun()


def watch(job: TrainJob) -> None:
    """Polled once a second while training; hands over to a full rerun when the job finishes."""
    snap = job.snapshot()
    if snap.state in FINISHED:
        st.rerun(scope="app")
    train_view.draw_progress(snap)
    if job.stop_requested:
        st.caption("Stopping after the current batch…")
    else:
        st.button("Stop", key="train_stop", on_click=job.stop, help="End training after the current batch")
    train_view.draw_curves(snap, CLASS_NAMES[job.config.dataset])


def save_ui(job: TrainJob) -> None:
    """Save a stopped run (or one whose auto-save was refused) under a name the user confirms."""
    ss.setdefault("train_save_name", job.name)
    name, overwrite, error = train_form.name_ui(LIBRARY, key="train_save_name", overwrite_key="train_save_overwrite")
    if error:
        st.warning(error)
    save, discard = st.columns([1, 6])
    if save.button("Save", key="train_save", type="primary", disabled=bool(error)):
        try:
            job.save(name, overwrite)
        except Exception as e:  # a name taken meanwhile, a full disk: say so, keep the result
            st.error(str(e))
        else:
            st.rerun()
    if discard.button("Discard", key="train_discard"):
        reset()


def reset() -> None:
    if ss.train_job is not None:
        ss.train_job.discard()  # a stopped run the user did not save
    for key in ("train_job", "train_save_name", "train_save_overwrite"):
        ss.pop(key, None)
    ss.train_name = library.Library(LIBRARY).unique_name("my-model")
    st.rerun()


def active_test_bce() -> float:
    bundle = active_model.active_bundle(quiet=True)
    return float(bundle.meta.get("test_bce", float("inf"))) if bundle is not None else float("inf")


def finished_ui(job: TrainJob) -> None:
    snap = job.snapshot()
    if snap.state == "saved" and ss.train_activated != id(job):
        ss.train_activated = id(job)
        ss.train_active_bce, ss.train_was_active = active_test_bce(), ss.get("model_name", library.DEFAULT_NAME)
        if ss.get("train_wants_active") and snap.test_bce <= ss.train_active_bce:
            active_model.set_active_model(job.name)
            st.rerun()  # redraw the sidebar with the new active model
    train_view.draw_progress(snap)
    if snap.state == "saved":
        head = f"Saved as **{job.name}** ({len(snap.history['loss'])} epochs, test BCE {snap.test_bce:.4f})"
        if ss.get("model_name") == job.name:
            st.success(f"{head} and made the active model for every page.")
        else:
            worse = snap.test_bce > ss.train_active_bce
            why = (f"its test BCE is worse than **{ss.train_was_active}**'s ({ss.train_active_bce:.4f})"
                   if worse and ss.get("train_wants_active") else "you did not ask to switch to it")  # fmt: skip
            st.success(f"{head}. **{ss.train_was_active}** stays the active model: {why}.")
            # a callback: the sidebar of this same run shows the switch, and no st.rerun can override a
            # sidebar link clicked straight after (see pages/models.py)
            st.button("Make it the active model", key="train_activate", icon=":material/check_circle:",
                      on_click=active_model.set_active_model, args=(job.name,))  # fmt: skip
        st.page_link("pages/explore.py", label="Explore it", icon=":material/explore:")
    elif snap.state == "failed":
        st.error(f"Training failed: {snap.error}")
    else:
        done = len(snap.history["loss"])
        if snap.state == "stopped":
            st.warning(
                f"Stopped after {done} complete epoch{'s' * (done != 1)}. The model trained so far is kept only if you save it."
            )
        else:
            st.error(f"Trained, but not saved: {snap.error}")
        save_ui(job)
    if snap.state in ("saved", "failed") and st.button("Train another model", key="train_again"):
        reset()
    train_view.draw_curves(snap, CLASS_NAMES[job.config.dataset])


st.header("Train a model")
job = ss.train_job
if job is None:
    start_ui()
elif job.snapshot().state in FINISHED:
    finished_ui(job)
else:
    st.caption(f"Training **{job.name}**: {job.config.summary()} on {train_form.DATASET_LABELS[job.config.dataset]}"
               + (f" (first {job.config.subset:,} digits)" if job.config.subset else ""))  # fmt: skip
    st.fragment(run_every=1.0)(watch)(job)
