"""Drawing a training's progress: the bar, the loss curve and the per-epoch preview.

Figures are built by pure functions from a model.jobs.job.Snapshot; draw_* put them on the page.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from model.jobs.job import Snapshot
from ui.images import to_png
from ui.plane import PALETTE

STATE_TEXT = {
    "queued": "Waiting for another session's training to finish…",
    "starting": "Starting the training process…",
    "loading": "Loading the data set…",
    "running": "Training",
    "finished": "Saving…",
    "saved": "Finished",
    "done": "Finished",
    "stopped": "Stopped",
    "failed": "Failed",
}


def clock(seconds: float | None) -> str:
    if seconds is None or not np.isfinite(seconds):
        return "–"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def progress_text(snap: Snapshot) -> str:
    """e.g. 'Training · epoch 2/10 · batch 120/469 · 0:41 elapsed · about 3:05 left'."""
    parts = [STATE_TEXT.get(snap.state, snap.state)]
    if snap.steps:
        parts += [
            f"epoch {snap.epoch}/{snap.epochs}",
            f"batch {snap.batch}/{snap.steps}",
            f"{clock(snap.elapsed)} elapsed",
        ]
        if snap.state == "running":
            parts.append(f"about {clock(snap.eta)} left")
    return " · ".join(parts)


def loss_figure(history: dict[str, list[float]], epochs: int) -> go.Figure:
    """loss and val_loss per finished epoch; the x-axis spans all epochs so the curve grows into it."""
    fig = go.Figure()
    for key, dash in (("loss", "solid"), ("val_loss", "dot")):
        y = history.get(key, [])
        fig.add_scatter(x=list(range(1, len(y) + 1)), y=y, name=key, mode="lines+markers", line={"dash": dash})
    fig.update_layout(height=280, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title="Loss per epoch",
                      xaxis={"title": "epoch", "range": [0.5, max(epochs, 1) + 0.5]}, yaxis={"title": "loss"},
                      legend={"orientation": "h", "y": 1.15, "x": 1, "xanchor": "right"})  # fmt: skip
    return fig


def preview_figure(z: np.ndarray, y: np.ndarray, class_names) -> go.Figure:
    """The sample's latent means, one WebGL trace with a colour per class."""
    colors = np.array(PALETTE)[np.asarray(y) % len(PALETTE)]
    names = np.array(class_names)[np.asarray(y)]
    fig = go.Figure(go.Scattergl(x=z[:, 0], y=z[:, 1], mode="markers", text=names, hoverinfo="text",
                                 marker={"size": 3, "color": colors, "opacity": 0.6}))  # fmt: skip
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title=f"Latent means of {len(z):,} test digits",
                      xaxis={"title": "z1"}, yaxis={"title": "z2"}, showlegend=False)  # fmt: skip
    return fig


def digit_strip(originals: np.ndarray, recons: np.ndarray) -> np.ndarray:
    """Originals in the top row, reconstructions below: one (56, 28 * n) image."""
    return np.vstack([np.hstack(list(originals)), np.hstack(list(recons))])


def draw_progress(snap: Snapshot) -> None:
    with st.container(key="train_progress"):
        st.progress(min(max(snap.fraction, 0.0), 1.0), text=progress_text(snap))
        if snap.state == "running" and np.isfinite(snap.loss):
            st.caption(f"Running loss this epoch: {snap.loss:.4f}")


def draw_curves(snap: Snapshot, preview_names) -> None:
    """Loss curve on the left, the latest preview on the right."""
    left, right = st.columns([1, 1])
    with left, st.container(key="train_curve"):
        st.plotly_chart(loss_figure(snap.history, snap.epochs), config={"displayModeBar": False})
    with right, st.container(key="train_preview"):
        p = snap.preview
        if p is None:
            st.caption("The latent preview appears after the first epoch.")
            return
        st.plotly_chart(preview_figure(p["z"], p["y"], preview_names), config={"displayModeBar": False})
        st.caption("Test digits (top) and their reconstructions (bottom) after the last epoch")
        st.image(to_png(digit_strip(p["originals"], p["recons"]), 448))
