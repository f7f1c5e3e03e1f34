"""The reference's full-preset results: committed JSON, the book's Results page and the README's table.

    python -m autograder.results names              every experiment (what ``make results`` runs)
    python -m autograder.results ingest RUN_DIR...  copy trainer-written result.json files into results/
    python -m autograder.results readme [--check]   rewrite (or check) the README's marked table

Layout: ``results/<experiment>/full/seed<S>/result.json``, exactly as
``python -m solutions.train NAME --preset full --seed S --save DIR`` wrote it
(never typed or edited by hand). Only the JSON is committed; the curves are drawn
from it when the book is built. The sources' figures come from
:mod:`autograder.results_registry`.
"""

from __future__ import annotations

import argparse
import json
import math
import pkgutil
import shutil
import statistics
import sys
from pathlib import Path

from .results_registry import SOURCES, Metric, Source

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "results"
README = ROOT / "README.md"
PAGE = "results"
REQUIRED = ("experiment", "preset_name", "preset", "seed", "device", "device_name", "cpu", "versions", "date",
            "seconds", "argv", "result")
BEGIN, END = "<!-- results:begin (python -m autograder.results readme) -->", "<!-- results:end -->"


class ResultError(ValueError):
    """A result.json that is not a full-preset run record written by the trainer."""


def experiments() -> list[str]:
    """Every experiment of ``solutions/experiments`` (without importing them)."""
    return sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "solutions" / "experiments")]))


def validate(record: dict, where: str) -> dict:
    """``record`` if it is a full-preset run record with every field the page needs, else :class:`ResultError`."""
    if not isinstance(record, dict):
        raise ResultError(f"{where}: not a JSON object")
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        raise ResultError(f"{where}: missing field(s) {', '.join(missing)}: a result.json must be the file "
                          "`python -m solutions.train NAME --preset full --save DIR` writes (run it again; never edit it)")
    if record["preset_name"] != "full":
        raise ResultError(f"{where}: preset {record['preset_name']!r}, but the results page takes full presets only")
    if not isinstance(record["result"], dict) or "history" not in record["result"]:
        raise ResultError(f"{where}: its 'result' has no per-epoch 'history'")
    if not isinstance(record["seed"], int):
        raise ResultError(f"{where}: seed {record['seed']!r} is not an integer")
    return record


def read_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ResultError(f"{path}: not valid JSON ({error})") from None
    return validate(record, str(path))


def load_runs(results_dir: Path = RESULTS_DIR) -> dict[str, list[dict]]:
    """``{experiment: [record, ...]}`` (by seed) of the committed runs; a misfiled record is refused."""
    runs: dict[str, list[dict]] = {}
    for path in sorted(results_dir.glob("*/full/seed*/result.json")):
        record = read_record(path)
        name, seed = path.parts[-4], path.parent.name.removeprefix("seed")
        if record["experiment"] != name or str(record["seed"]) != seed:
            raise ResultError(f"{path}: holds {record['experiment']} seed {record['seed']}; it belongs in "
                              f"{record['experiment']}/full/seed{record['seed']}/")
        runs.setdefault(name, []).append(record)
    return {name: sorted(records, key=lambda r: r["seed"]) for name, records in sorted(runs.items())}


def preset_overrides(record: dict) -> dict[str, tuple]:
    """``{field: (as run, the full preset's)}`` where the run changed the full preset (``--epochs``, ``--set``); seed aside."""
    import importlib
    from dataclasses import asdict

    try:
        preset = importlib.import_module(f"solutions.experiments.{record['experiment']}").PRESETS["full"]
    except (ImportError, KeyError):
        return {}
    full = json.loads(json.dumps(asdict(preset), default=float))
    ran = record["preset"]
    changed = {k: (ran.get(k), v) for k, v in full.items() if k != "seed" and ran.get(k) != v}
    return {**changed, **{k: (v, None) for k, v in ran.items() if k not in full}}  # None: not a field of the preset


def ingest(run_dirs: list[Path], results_dir: Path = RESULTS_DIR, allow_overrides: bool = False) -> list[Path]:
    """Copy every result.json under ``run_dirs`` (validated, unchanged) to its place under ``results_dir``.

    A run that changed the full preset (``--epochs``, ``--set``) is refused unless ``allow_overrides``
    (the page then lists what it changed)."""
    found = [p for d in run_dirs for p in ([d] if d.is_file() else sorted(d.rglob("result.json")))]
    if not found:
        raise ResultError(f"no result.json under {', '.join(map(str, run_dirs))}")
    copied = []
    for path in found:
        record = read_record(path)
        changed = preset_overrides(record)
        if changed and not allow_overrides:
            raise ResultError(f"{path}: not the full preset as it stands ("
                              + ", ".join(f"{k} {a!r} instead of {b!r}" for k, (a, b) in changed.items())
                              + "); pass --allow-overrides to take it in anyway (the page says what it changed)")
        target = results_dir / record["experiment"] / "full" / f"seed{record['seed']}" / "result.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    return copied


# ---- figures of a run, judged against the bar


def metric_values(metric: Metric, records: list[dict]) -> list[float | None]:
    """The metric in each seed's run (``None`` where the run lacks it)."""
    values = []
    for record in records:
        try:
            values.append(metric.value(record["result"]))
        except (KeyError, IndexError, TypeError, ValueError):
            values.append(None)
    return values


def fmt(value: float | None, metric: Metric | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if metric is not None and metric.percent:
        return f"{100 * value:.2f}%"  # two decimals: 99.96% and 99.9% differ against a bar of 99.9%
    return f"{value:.4g}" if abs(value) >= 1 else f"{value:.3f}"


def spread(values: list[float], metric: Metric | None = None) -> str:
    """One seed's value, or the mean with standard deviation and range over seeds."""
    if len(values) == 1:
        return fmt(values[0], metric)
    scale = 100 if metric is not None and metric.percent else 1
    sd = statistics.stdev(values) * scale
    return (f"mean {fmt(statistics.mean(values), metric)} (sd {sd:.2g}{'' if scale == 1 else ' points'}, "
            f"{fmt(min(values), metric)} to {fmt(max(values), metric)}, {len(values)} seeds)")


def bar_of(metric: Metric, record: dict) -> float | None:
    if metric.bar is None or isinstance(metric.bar, (int, float)):
        return metric.bar
    try:
        return metric.bar(record["result"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def judge(metric: Metric, records: list[dict]) -> tuple[bool | None, str]:
    """Whether the runs meet the metric's bar (``None``: no bar, report only) and why, in words."""
    values = metric_values(metric, records)
    bars = [bar_of(metric, r) for r in records]
    if metric.bar is None:
        return None, "reported"
    if any(v is None for v in values) or any(b is None for b in bars):
        return False, "not met: a run lacks this figure"
    better = (lambda v, b: v >= b) if metric.higher_is_better else (lambda v, b: v <= b)
    word = "at least" if metric.higher_is_better else "at most"
    if metric.every_seed:
        passed = sum(better(v, b) for v, b in zip(values, bars))
        if len(records) < metric.min_seeds:
            return False, f"not met: {passed} of {len(records)} seeds pass, the bar asks for {metric.min_seeds} seeds"
        ok = passed == len(records)
        return ok, f"{'met' if ok else 'not met'}: {passed} of {len(records)} seeds {word} {fmt(bars[0], metric)}"
    mean, bar = statistics.mean(values), statistics.mean(bars)
    ok = better(mean, bar)
    return ok, f"{'met' if ok else 'not met'}: {'mean ' if len(values) > 1 else ''}{fmt(mean, metric)}, bar {word} {fmt(bar, metric)}"


def generic_metrics(records: list[dict]) -> tuple[Metric, ...]:
    """For an experiment without a registry entry: every float of its result."""
    names = [k for k, v in records[0]["result"].items() if isinstance(v, float)]
    return tuple(Metric(k.replace("_", " "), (lambda r, k=k: float(r[k]))) for k in names)


def source_of(name: str) -> Source:
    return SOURCES.get(name) or Source(name, None, "no source registered", "see the experiment's preset", "n/a", "none")


def duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def threads(n) -> str:
    return f"{n} thread{'' if n == 1 else 's'}"


def run_line(records: list[dict]) -> str:
    """Device, time and date of the runs."""
    devices = sorted({f"{r['device']} ({r['cpu'] if r['device'] == 'cpu' else r['device_name']}, "
                      f"{r.get('cpu_count', '?')} cores, torch on {threads(r.get('torch_threads'))})" for r in records})
    times = ", ".join(f"seed {r['seed']} {duration(r['seconds'])}" for r in records)
    dates = sorted(r["date"][:10] for r in records)
    when = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
    versions = records[-1]["versions"]
    return (f"{'; '.join(devices)}; {times}; run {when} (torch {versions.get('torch')}, "
            f"Python {versions.get('python')})")


def metric_rows(name: str, records: list[dict]) -> list[tuple[str, str, str, str]]:
    """``(figure, source, ours, bar)`` per metric of a run experiment."""
    source = source_of(name)
    rows = []
    for metric in source.metrics or generic_metrics(records):
        values = metric_values(metric, records)
        known = [v for v in values if v is not None]
        ours = spread(known, metric) if known else "n/a"
        if len(known) > 1:
            ours += ": " + ", ".join(f"{fmt(v, metric)}" for v in values)
        met, why = judge(metric, records)
        rows.append((metric.label, fmt(metric.source, metric) if metric.source is not None else "not reported", ours,
                     why if met is None else ("**" + why.split(":")[0] + "**" + why[len(why.split(":")[0]):])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("names", help="every experiment, one per line")
    ingest_cmd = sub.add_parser("ingest", help="copy result.json files (validated, unchanged) into results/")
    ingest_cmd.add_argument("runs", nargs="+", type=Path, help="run folders (searched for result.json) or files")
    ingest_cmd.add_argument("--allow-overrides", action="store_true", help="take runs that changed the full preset")
    readme_cmd = sub.add_parser("readme", help="rewrite the README's results table from the JSON")
    readme_cmd.add_argument("--check", action="store_true", help="only say whether it matches (exit 1 if not)")
    args = parser.parse_args(argv)
    from .results_page import update_readme

    try:
        if args.command == "names":
            print("\n".join(experiments()))
        elif args.command == "ingest":
            for path in ingest(args.runs, allow_overrides=args.allow_overrides):
                print(f"copied {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
            update_readme()
        elif args.command == "readme":
            same = update_readme(check=args.check)
            print("README results table " + ("matches the JSON" if same else
                                             ("differs from the JSON" if args.check else "rewritten from the JSON")))
            return 1 if args.check and not same else 0
    except ResultError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
