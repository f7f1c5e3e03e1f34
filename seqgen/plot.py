"""Plots and tables the chapters share: training curves, attention heat maps, image grids and sample tables."""

from __future__ import annotations

import html
from typing import Any, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

# Each curve gets its own line style and marker, so curves that coincide stay visible.
GRID_WIDTH_IN = 5.6
TICK_PT = 10  # heat-map labels: 10 pt stays above 8 CSS px when a phone shrinks the figure
FRAME_COLOUR = "0.55"  # grey frame around each image of a grid: a blank sample stays visible
STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ("-", "v"), ("--", "x")]


def _as_history(history: Any) -> dict[str, list[float]]:
    if history is None:
        return {}
    if hasattr(history, "history"):  # keras.callbacks.History
        history = history.history
    return {k: list(map(float, v)) for k, v in dict(history).items()}


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    xlabel: str = "epoch",
    ylabel: str = "",
    title: str = "",
    logy: bool = False,
    ax=None,
    start: int = 1,
):
    """One line per named curve, x counted from ``start``. Returns the axes.

    Curves differ in line style and marker as well as colour (a curve drawn over an
    equal one stays visible), and the x axis has whole-number ticks (epochs, steps).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        line, marker = STYLES[i % len(STYLES)]
        ax.plot(np.arange(start, start + len(values)), values, linestyle=line, marker=marker if len(values) < 30 else None,
                markersize=7 - 1.5 * (i % 3), markerfacecolor="none" if i % 2 else None, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def history_panels(history: Any, metrics: Sequence[str] | None = None) -> dict[str, dict[str, list[float]]]:
    """``{metric: {"train": [...], "validation": [...]}}``: each metric beside its ``val_`` twin.

    ``metrics`` picks the panels and their order (all of them when ``None``); throughput
    (``*_per_s``) and empty lists are left out.
    """
    panels: dict[str, dict[str, list[float]]] = {}
    for key, values in _as_history(history).items():
        base = key.removeprefix("val_")
        if values and not key.endswith("_per_s") and (metrics is None or base in metrics):
            panels.setdefault(base, {})["validation" if key.startswith("val_") else "train"] = values
    order = list(metrics) if metrics is not None else list(panels)
    return {m: {k: panels[m][k] for k in ("train", "validation") if k in panels[m]} for m in order if m in panels}


def plot_panels(panels: Mapping[str, Mapping[str, Sequence[float]]], title: str = ""):
    """One axis per panel, stacked (a figure stays one column wide, readable on a phone). Returns the figure."""
    fig, axes = plt.subplots(len(panels), 1, figsize=(6, 3 * len(panels)), squeeze=False, sharex=True)
    for ax, (name, curves) in zip(axes[:, 0], panels.items()):
        plot_curves(curves, ylabel=name, ax=ax)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_history(history: Any, metrics: Sequence[str] = ("loss",), title: str = "Training curves"):
    """Plot a Keras ``History`` (or a dict of lists): each metric with its ``val_`` twin.

    Returns the figure, or ``None`` (with a message) when there is nothing to plot,
    for instance when training was skipped under the autograder.
    """
    panels = history_panels(history, metrics)
    if not panels:
        print("no training history to plot (training was skipped)")
        return None
    return plot_panels(panels, title)


def plot_attention(weights, inputs: Sequence[str], outputs: Sequence[str], ax=None, title: str = ""):
    """Heat map of attention weights (T, S): input tokens on x, output tokens on y, brighter = larger.

    ``inputs`` labels the S columns and ``outputs`` the T rows (spaces shown as a visible blank).
    Returns the axes.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(outputs), len(inputs)):
        raise ValueError(f"weights of shape {weights.shape} for {len(outputs)} outputs and {len(inputs)} inputs")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4, 0.3 * len(inputs)), max(2.5, 0.3 * len(outputs))))
    ax.imshow(weights, cmap="gray", vmin=0.0, vmax=1.0, aspect="auto")
    show = lambda t: "\u2423" if t == " " else t  # noqa: E731 - the open-box sign for a space
    ax.set_xticks(range(len(inputs)), [show(t) for t in inputs], fontsize=TICK_PT)
    ax.set_yticks(range(len(outputs)), [show(t) for t in outputs], fontsize=TICK_PT)
    if title:
        ax.set_title(title)
    return ax


def show_table(rows: Sequence[Mapping[str, Any]]) -> None:
    """Show a list of dicts as an HTML table in a notebook (plain text elsewhere).

    Returns None, so that a cell ending with it shows the table once, not its markup too.
    """
    if not rows:
        return None
    columns = list(rows[0])
    head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(r[c]))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    markup = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    try:
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - outside Jupyter
        for r in rows:
            print(" | ".join(str(r[c]) for c in columns))
        return None
    display(HTML(markup))
    return None


def plot_image_grid(images: Any, title: str = "", ncols: int = 8, vmax: float | None = None, cmap: str = "gray_r"):
    """Grey images (N, H, W) in a grid, ``ncols`` per row, one colour scale (0..``vmax``). Returns the figure.

    Each image has a thin grey frame, so that a blank one (all background) still shows as a sample.
    """
    images = np.asarray(images)
    n = len(images)
    nrows = max(1, -(-n // ncols))
    cell = min(0.9, GRID_WIDTH_IN / ncols)  # at most GRID_WIDTH_IN wide: readable on a phone without shrinking far
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * cell, nrows * cell + (0.4 if title else 0)), squeeze=False)
    vmax = float(images.max()) if vmax is None and n else vmax
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    for ax, image in zip(axes.ravel(), images):
        ax.imshow(image, cmap=cmap, vmin=0, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor(FRAME_COLOUR)
            spine.set_linewidth(0.8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
