"""The book's Results page and the README's table, both drawn from the committed JSON (:mod:`autograder.results`).

For every experiment: the source's settings, figure and citation, ours (mean and
spread over seeds), whether the bar is met, the device and time, and the curves
(drawn here from the JSON, at most 600 px wide). An experiment without committed
full results says so, with the command that runs it.
"""

from __future__ import annotations

import importlib
import re
import statistics
from pathlib import Path

from .results import (BEGIN, END, README, RESULTS_DIR, experiments, judge, load_runs, metric_rows,
                      preset_overrides, run_line, source_of)

FIGURE_WIDTH_IN, DPI = 6.0, 100  # 600 px as saved: the phone-width browser test keeps it readable


def seed_panels(name: str, record: dict) -> dict[str, dict[str, list[float]]]:
    """One run's panels: the experiment's own ``curves(result)``, or each metric beside its ``val_`` twin."""
    from seqgen.plot import history_panels

    try:
        module = importlib.import_module(f"solutions.experiments.{name}")
    except ImportError:
        module = None
    curves = getattr(module, "curves", None)
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


def caption(name: str, records: list[dict]) -> str:
    seeds = ", ".join(str(r["seed"]) for r in records)
    what = f"the mean of seeds {seeds}, the shaded band their range" if len(records) > 1 else f"seed {seeds}"
    return f"{source_of(name).title}, full preset: per-epoch curves from the committed results ({what})."


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    clean = lambda cell: str(cell).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(clean(c) for c in row) + " |" for row in rows)]


def chapter_link(stem: str | None, chapters: set[str]) -> str:
    return f" (chapter [{stem[:2].lstrip('0')}]({stem}.ipynb))" if stem and stem in chapters else ""


def experiment_section(name: str, records: list[dict], figures: Path, chapters: set[str]) -> list[str]:
    """The page's section on one experiment; draws its curves into ``figures``."""
    source = source_of(name)
    parts = [f"({label(name)})=", f"## {source.title}{chapter_link(source.chapter, chapters)}", "",
             f"**Source**: {source.citation}. **Its settings**: {source.settings}. **Its figure**: {source.figure}. "
             f"**Our bar**: {source.bar}.", ""]
    if not records:
        needs = f" A full run needs {source.needs}." if source.needs else ""
        return parts + [f"**Not run yet**: no committed full-preset result.{needs} Run it with "
                        f"`make results NAMES={name}`, which writes the JSON this page is built from, then rebuild the book.", ""]
    parts += table(metric_rows(name, records), ("figure", "source", "ours (full preset)", "bar")) + [""]
    parts += [f"**Run on**: {run_line(records)}.", ""]
    groups: dict[str, list[str]] = {}  # what a run changed -> the seeds that changed it so
    for r in records:
        if preset_overrides(r):
            what = ", ".join(f"{k} = {a} (preset: {'no such field' if b is None else b})"
                             for k, (a, b) in preset_overrides(r).items())
            groups.setdefault(what, []).append(str(r["seed"]))
    if groups:
        parts += ["**Not the full preset as it stands**: " + "; ".join(
            f"seed{'s' if len(seeds) > 1 else ''} {', '.join(seeds)} ran {what}" for what, seeds in groups.items()) + ".", ""]
    image = figures / f"{name}.png"
    if draw_curves(name, records, image):
        alt = caption(name, records).split(":")[0] + ", training and held-out curves per epoch"
        parts += [f"```{{figure}} {figures.name}/{image.name}", f":name: fig-{label(name)}",
                  f":alt: {alt}", f":width: {int(FIGURE_WIDTH_IN * DPI)}px", "", caption(name, records), "```", ""]
    return parts


def page(target: Path, chapters: set[str], results_dir: Path = RESULTS_DIR) -> str:
    """The Results page's markdown; its figures are saved under ``target/results_figures``."""
    runs = load_runs(results_dir)
    names = sorted(set(experiments()) | set(runs), key=lambda n: (source_of(n).chapter or "99", n))
    done = [n for n in names if n in runs]
    parts = ["# Results", "",
             "The course's PyTorch reference trains each experiment with its source's settings (the `full` presets) "
             "and is compared here with the figure the source reports. Everything on this page is drawn, when the book "
             "is built, from the `result.json` files the trainer wrote (in the repository's `results` folder, one per "
             "experiment and seed, never typed by hand): the source's figure, ours (with the spread over seeds where there are "
             "several), whether our bar is met, the device and time, and the curves. "
             f"{len(done)} of {len(names)} experiments have committed full runs; the others say how to run them.", "",
             "Times are the wall-clock time of the whole run as the trainer measured it, on a machine that may have been "
             "busy with other work. To add or refresh a run: `make results NAMES=\"seq2seq\" SEEDS=\"0 1 2\"` (or "
             "`make ingest-results RUNS=folder` for a run saved elsewhere), then rebuild the book.", ""]
    parts += table([(f"{{ref}}`{source_of(n).title} <{label(n)}>`", source_of(n).figure, summary(n, runs.get(n, [])))
                    for n in names], ("experiment", "source's figure", "our bar")) + [""]
    for name in names:
        parts += experiment_section(name, runs.get(name, []), target / "results_figures", chapters)
    return "\n".join(parts)


def label(name: str) -> str:
    """The MyST target of an experiment's section."""
    return "results-" + name.replace("_", "-")


def summary(name: str, records: list[dict]) -> str:
    """One cell: met / not met / reported / not run yet."""
    if not records:
        return "not run yet"
    verdicts = [judge(m, records)[0] for m in source_of(name).metrics]
    judged = [v for v in verdicts if v is not None]
    seeds = f" ({len(records)} seed{'s' if len(records) > 1 else ''})"
    if not judged:
        return "reported" + seeds
    return ("met" if all(judged) else "not met") + seeds


# ---- the README's table


def readme_block(results_dir: Path = RESULTS_DIR) -> str:
    """The README's "as measured" table, from the same JSON as the page."""
    runs = load_runs(results_dir)
    rows = []
    for name in sorted(set(experiments()) | set(runs)):
        records = runs.get(name, [])
        if not records:
            needs = f"; needs {source_of(name).needs}" if source_of(name).needs else ""
            rows.append((f"`{name}`", f"not run yet (`make results NAMES={name}`{needs})", source_of(name).figure, "-"))
            continue
        ours = "; ".join(f"{label} {value}" for label, _, value, _ in metric_rows(name, records))
        minutes = statistics.mean(r["seconds"] for r in records) / 60
        where = sorted({r["device"] for r in records})
        changed = sorted({k for r in records for k in preset_overrides(r)})
        ours += f"; not the full preset: {', '.join(changed)} changed" if changed else ""
        rows.append((f"`{name}`", f"{ours} ({'/'.join(where)}, {minutes:.0f} min per seed)", source_of(name).figure,
                     summary(name, records)))
    lines = table(rows, ("experiment", "ours (full preset)", "source's figure", "bar"))
    return "\n".join([BEGIN, *lines, END])


def update_readme(readme: Path = README, results_dir: Path = RESULTS_DIR, check: bool = False) -> bool:
    """Rewrite the marked block of ``readme`` (or with ``check``, only report); True if it already matched."""
    text = readme.read_text()
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"{readme} has no block between {BEGIN!r} and {END!r}")
    block = readme_block(results_dir)
    current = pattern.search(text).group(0)
    if current == block:
        return True
    if not check:
        readme.write_text(pattern.sub(lambda _: block, text))
    return False
