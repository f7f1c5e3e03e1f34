"""The book's Results page, drawn from the committed JSON (:mod:`autograder.publishing.results`).

For every experiment: the source's figure with its provenance (citation, notebook or page, settings,
measure; from the experiment's own ``SOURCE``), what the full preset does differently, ours (mean and
spread over seeds), whether the bar is met, the device and time, and the curves (drawn here from the
JSON, at most 600 px wide); then the runs of its declared variants, reported beside it. An experiment
without committed full results says so, with what it needs and the command that runs it.
"""

from __future__ import annotations

from pathlib import Path

from .results import (RESULTS_DIR, chapter_of, experiments, load_runs, metric_rows, module, preset_overrides,
                      reported_presets, run_line, source_of, summary)

FIGURE_WIDTH_IN, DPI = 6.0, 100  # 600 px as saved: the phone-width browser test keeps it readable


def seed_panels(name: str, record: dict) -> dict[str, dict[str, list[float]]]:
    """One run's panels: the experiment's own ``curves(result)``, or each metric beside its ``val_`` twin."""
    from seqgen.plot import history_panels

    curves = getattr(module(name), "curves", None)
    return curves(record["result"]) if curves is not None else history_panels(record["result"].get("history", {}))


def draw_curves(name: str, records: list[dict], path: Path) -> bool:
    """Save ``path``: per panel, each series' mean over seeds with its range shaded. False if nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from seqgen.plot import plot_curves

    per_seed = [seed_panels(name, r) for r in records]
    panels = {p: list(s) for p, s in per_seed[0].items() if s}
    if not panels:
        return False
    fig, axes = plt.subplots(len(panels), 1, figsize=(FIGURE_WIDTH_IN, 2.6 * len(panels)), squeeze=False, sharex=True)
    for ax, (panel, series) in zip(axes[:, 0], panels.items()):
        stacks = {}
        for label in series:
            runs = [p[panel][label] for p in per_seed if label in p.get(panel, {})]
            n = min(len(r) for r in runs)  # early stopping: seeds may run different epoch counts
            stacks[label] = np.array([r[:n] for r in runs], dtype=float)
        plot_curves({label: s.mean(axis=0) for label, s in stacks.items()}, ylabel=panel, ax=ax)
        if len(records) > 1:
            for line, s in zip(ax.get_lines(), stacks.values()):
                ax.fill_between(np.arange(1, s.shape[1] + 1), s.min(axis=0), s.max(axis=0),
                                color=line.get_color(), alpha=0.2, linewidth=0)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return True


def caption(name: str, records: list[dict], preset: str = "full") -> str:
    seeds = ", ".join(str(r["seed"]) for r in records)
    what = f"the mean of seeds {seeds}, the shaded band their range" if len(records) > 1 else f"seed {seeds}"
    return f"{source_of(name).title}, {preset} preset: per-epoch curves from the committed results ({what})."


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    clean = lambda cell: str(cell).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(clean(c) for c in row) + " |" for row in rows)]


def chapter_link(stem: str | None, chapters: set[str]) -> str:
    return f" (chapter [{stem[:2].lstrip('0')}]({stem}.ipynb))" if stem and stem in chapters else ""


def provenance(name: str) -> list[str]:
    """The source's figure and where it comes from, as the experiment declares it."""
    source = source_of(name)
    lines = [f"**Source**: {source.citation}; {source.where}.", "",
             f"**Its settings**: {source.settings}. **Its figure**: {source.figure}. **Measured as**: {source.measure}.", ""]
    if source.differs:
        lines += [f"**Our full preset differs**: {source.differs}", ""]
    if source.tried:
        lines += [f"**What was tried**: {source.tried}", ""]
    return lines + [f"**Our bar**: {source.bar}.", ""]


def runs_block(name: str, preset: str, records: list[dict], figures: Path) -> list[str]:
    """Ours for one preset: the figures beside the source's, the device and time, what a run changed, the curves."""
    parts = table(metric_rows(name, records, preset), ("figure", "source", f"ours ({preset} preset)", "bar")) + [""]
    parts += [f"**Run on**: {run_line(records)}.", ""]
    groups: dict[str, list[str]] = {}  # what a run changed -> the seeds that changed it so
    for r in records:
        if preset_overrides(r, preset):
            what = ", ".join(f"{k} = {a} (preset: {'no such field' if b is None else b})"
                             for k, (a, b) in preset_overrides(r, preset).items())
            groups.setdefault(what, []).append(str(r["seed"]))
    if groups:
        parts += [f"**Not the {preset} preset as it stands**: " + "; ".join(
            f"seed{'s' if len(seeds) > 1 else ''} {', '.join(seeds)} ran {what}" for what, seeds in groups.items()) + ".", ""]
    image = figures / f"{name}{'' if preset == 'full' else '-' + preset}.png"
    if draw_curves(name, records, image):
        alt = caption(name, records, preset).split(":")[0] + ", training and held-out curves per epoch"
        parts += [f"```{{figure}} {figures.name}/{image.name}", f":name: fig-{label(name)}{'' if preset == 'full' else '-' + preset}",
                  f":alt: {alt}", f":width: {int(FIGURE_WIDTH_IN * DPI)}px", "", caption(name, records, preset), "```", ""]
    return parts


def experiment_section(name: str, runs: dict[str, list[dict]] | list[dict], figures: Path, chapters: set[str]) -> list[str]:
    """The page's section on one experiment (``runs``: preset -> records, or the full preset's records)."""
    runs = {"full": runs} if isinstance(runs, list) else runs
    source = source_of(name)
    parts = [f"({label(name)})=", f"## {source.title}{chapter_link(chapter_of(name), chapters)}", "", *provenance(name)]
    if runs.get("full"):
        parts += runs_block(name, "full", runs["full"], figures)
    else:
        needs = f" A full run needs {source.needs}." if source.needs else ""
        parts += [f"**Not run yet**: no committed full-preset result.{needs} Run it with "
                  f"`make results NAMES={name}`, which writes the JSON this page is built from, then rebuild the book.", ""]
    for preset in reported_presets(name)[1:]:
        parts += [f"### Variant `{preset}`", "", source.variants[preset][0].upper() + source.variants[preset][1:] + ".", ""]
        parts += (runs_block(name, preset, runs[preset], figures) if runs.get(preset) else
                  [f"Not run yet (`make results NAMES={name} PRESET={preset}`).", ""])
    return parts


def page(target: Path, chapters: set[str], results_dir: Path = RESULTS_DIR) -> str:
    """The Results page's markdown; its figures are saved under ``target/results_figures``."""
    runs = load_runs(results_dir)
    names = sorted(set(experiments()) | set(runs), key=lambda n: (chapter_of(n) or "99", n))
    done = [n for n in names if runs.get(n, {}).get("full")]
    parts = ["# Results", "",
             "The course's PyTorch reference trains each experiment with its source's settings (the `full` presets) "
             "and is compared here with the figure the source reports, with where that figure comes from (edition, "
             "notebook or page, settings, and what it measures). Everything on this page is drawn, when the book "
             "is built, from the `result.json` files the trainer wrote (in the repository's `results` folder, one per "
             "experiment, preset and seed, never typed by hand): ours (with the spread over seeds where there are "
             "several), whether our bar is met, the device and time, and the curves. "
             f"{len(done)} of {len(names)} experiments have committed full runs; the others say what they need and how "
             "to run them.", "",
             "Times are the wall-clock time of the whole run as the trainer measured it, on a machine that may have been "
             "busy with other work. To add or refresh a run: `make results NAMES=\"seq2seq\" SEEDS=\"0 1 2\"` (or "
             "`make ingest-results RUNS=folder` for a run saved elsewhere), then rebuild the book.", ""]
    parts += table([(f"{{ref}}`{source_of(n).title} <{label(n)}>`", source_of(n).figure,
                     summary(n, runs.get(n, {}).get("full", []))) for n in names],
                   ("experiment", "source's figure", "our bar")) + [""]
    for name in names:
        parts += experiment_section(name, runs.get(name, {}), target / "results_figures", chapters)
    return "\n".join(parts)


def label(name: str) -> str:
    """The MyST target of an experiment's section."""
    return "results-" + name.replace("_", "-")
