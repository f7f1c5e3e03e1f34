"""The reference's reported runs: committed JSON, judged against the sources' figures.

    python -m autograder.publishing.results names              every experiment (what ``make results`` runs)
    python -m autograder.publishing.results ingest RUN_DIR...  copy trainer-written result.json files into results/

Layout: ``results/<experiment>/<preset>/seed<S>/result.json``, exactly as
``python -m solutions.train NAME --preset PRESET --seed S --save DIR`` wrote it (never typed or edited by
hand), for the ``full`` preset and the variants an experiment's ``SOURCE.variants`` names. A seed may hold
several records in subfolders (``seed<S>/<variants>/result.json``), each run of some of the preset's
``variants``: they are read as one run. The sources' figures come from each experiment's own module
(``SOURCE``, :mod:`solutions.sources`); the page and the README's tables are drawn by
:mod:`autograder.publishing.results_page` and :mod:`autograder.publishing.readme`.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import importlib
import json
import math
import pkgutil
import shutil
import statistics
import sys
from functools import lru_cache
from pathlib import Path

from solutions.sources import Metric, Source

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "results"
README = ROOT / "README.md"
PAGE = "results"
REQUIRED = ("experiment", "preset_name", "preset", "seed", "device", "device_name", "cpu", "versions", "date",
            "seconds", "argv", "result")


class ResultError(ValueError):
    """A result.json that is not a full-preset run record written by the trainer."""


def experiments() -> list[str]:
    """Every experiment of ``solutions/experiments`` (without importing them)."""
    return sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "solutions" / "experiments")]))


@lru_cache(maxsize=None)
def module(name: str):
    """The experiment's module (its presets and declarations); ``None`` if there is none."""
    try:
        return importlib.import_module(f"solutions.experiments.{name}")
    except ImportError:
        return None


def source_of(name: str) -> Source:
    source = getattr(module(name), "SOURCE", None)
    return source or Source(name, "no source declared", "-", "see the experiment's preset", "n/a", "-", "none")


def chapter_of(name: str) -> str | None:
    return getattr(module(name), "CHAPTER", None)


def reported_presets(name: str) -> tuple[str, ...]:
    """The presets whose runs the page reports: ``full``, then the variants the experiment declares."""
    return ("full", *source_of(name).variants)


def validate(record: dict, where: str) -> dict:
    """``record`` if it is a run record with every field the page needs, else :class:`ResultError`."""
    if not isinstance(record, dict):
        raise ResultError(f"{where}: not a JSON object")
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        raise ResultError(f"{where}: missing field(s) {', '.join(missing)}: a result.json must be the file "
                          "`python -m solutions.train NAME --preset full --save DIR` writes (run it again; never edit it)")
    if record["preset_name"] not in reported_presets(record["experiment"]):
        raise ResultError(f"{where}: preset {record['preset_name']!r}, but the results page takes full presets only "
                          f"(and the variants {record['experiment']} declares: {', '.join(reported_presets(record['experiment']))})")
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


def filed_under(record: dict, preset: str) -> bool:
    """Is ``record`` a run of ``preset``: by its name, or (a record from before the preset was renamed) by settings?"""
    if record["preset_name"] == preset:
        return True
    full = getattr(module(record["experiment"]), "PRESETS", {}).get(preset)
    return full is not None and not preset_overrides(record, preset)


def load_runs(results_dir: Path = RESULTS_DIR) -> dict[str, dict[str, list[dict]]]:
    """``{experiment: {preset: [record, ...]}}`` (by seed) of the committed runs; a misfiled record is refused."""
    parts: dict[tuple[str, str, int], list[dict]] = {}
    for path in sorted(results_dir.glob("*/*/seed*/**/result.json")):
        record = read_record(path)
        rel = path.relative_to(results_dir).parts
        name, preset, seed = rel[0], rel[1], rel[2].removeprefix("seed")
        if record["experiment"] != name or str(record["seed"]) != seed or not filed_under(record, preset):
            raise ResultError(f"{path}: holds {record['experiment']} preset {record['preset_name']} seed {record['seed']}; "
                              f"it belongs in {record['experiment']}/{record['preset_name']}/seed{record['seed']}/")
        parts.setdefault((name, preset, record["seed"]), []).append(record)
    runs: dict[str, dict[str, list[dict]]] = {}
    for (name, preset, _), records in sorted(parts.items()):
        runs.setdefault(name, {}).setdefault(preset, []).append(merge(records, preset))
    return runs


def merge(records: list[dict], preset: str) -> dict:
    """One seed's record from runs of disjoint ``variants`` of the same settings (a single record unchanged)."""
    if len(records) == 1:
        return records[0]
    settings = [{k: v for k, v in r["preset"].items() if k != "variants"} for r in records]
    names = [v for r in records for v in r["preset"].get("variants", ())]
    where = f"{records[0]['experiment']}/{preset}/seed{records[0]['seed']}"
    if any(s != settings[0] for s in settings) or len(names) != len(set(names)):
        raise ResultError(f"{where}: its records are not runs of disjoint variants with the same settings")
    full = getattr(module(records[0]["experiment"]), "PRESETS", {}).get(preset)
    order = list(getattr(full, "variants", names))
    merged = copy.deepcopy(records[0])
    merged["preset"]["variants"] = sorted(names, key=lambda v: order.index(v) if v in order else len(order))
    merged["seconds"] = sum(r["seconds"] for r in records)
    merged["date"], merged["date_last"] = min(r["date"] for r in records), max(r["date"] for r in records)
    merged["argv"] = [a for r in records for a in r["argv"]]
    for r in records[1:]:
        for k, v in r["result"].items():
            if isinstance(v, dict) and isinstance(merged["result"].get(k), dict):
                merged["result"][k].update(v)
            elif k not in merged["result"]:
                merged["result"][k] = v
    return merged


def preset_overrides(record: dict, preset: str | None = None) -> dict[str, tuple]:
    """``{field: (as run, the preset's)}`` where the run changed its preset (``--epochs``, ``--set``); seed aside.

    A field the record lacks (one added to the preset after the run) counts as its default value."""
    try:
        target = module(record["experiment"]).PRESETS[preset or record["preset_name"]]
    except (AttributeError, KeyError):
        return {}
    defaults = {f.name: f.default for f in dataclasses.fields(target) if f.default is not dataclasses.MISSING}
    full = json.loads(json.dumps(dataclasses.asdict(target), default=float))
    ran = json.loads(json.dumps({**defaults, **record["preset"]}, default=float))
    changed = {k: (ran.get(k), v) for k, v in full.items() if k != "seed" and ran.get(k) != v}
    return {**changed, **{k: (v, None) for k, v in ran.items() if k not in full}}  # None: not a field of the preset


def ingest(run_dirs: list[Path], results_dir: Path = RESULTS_DIR, allow_overrides: bool = False) -> list[Path]:
    """Copy every result.json under ``run_dirs`` (validated, unchanged) to its place under ``results_dir``.

    A run that changed its preset (``--epochs``, ``--set``) is refused unless ``allow_overrides`` (the page
    then lists what it changed); a run of some of the preset's ``variants`` is taken as a part of its seed."""
    found = [p for d in run_dirs for p in ([d] if d.is_file() else sorted(d.rglob("result.json")))]
    if not found:
        raise ResultError(f"no result.json under {', '.join(map(str, run_dirs))}")
    copied = []
    for path in found:
        record = read_record(path)
        changed = preset_overrides(record)
        wanted = getattr(module(record["experiment"]).PRESETS[record["preset_name"]], "variants", ())
        part = "variants" in changed and set(record["preset"]["variants"]) < set(wanted)
        if part:
            del changed["variants"]
        if changed and not allow_overrides:
            raise ResultError(f"{path}: not the {record['preset_name']} preset as it stands ("
                              + ", ".join(f"{k} {a!r} instead of {b!r}" for k, (a, b) in changed.items())
                              + "); pass --allow-overrides to take it in anyway (the page says what it changed)")
        seed_dir = results_dir / record["experiment"] / record["preset_name"] / f"seed{record['seed']}"
        target = seed_dir / "result.json"
        if part and target.exists() and json.loads(target.read_text())["preset"].get("variants") != record["preset"]["variants"]:
            target = seed_dir / "+".join(record["preset"]["variants"]) / "result.json"  # another part of this seed
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
    return f"{value:.4g}" if abs(value) >= 1 else f"{value:.4f}"  # 0.5416 and 0.5420 differ against a bar of 0.542


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


def duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def threads(n) -> str:
    return f"{n} thread{'' if n == 1 else 's'}"


def run_line(records: list[dict]) -> str:
    """Device, time and date of the runs."""
    devices = sorted({f"{r['device']} ({r['cpu'] if r['device'] == 'cpu' else r['device_name']}, "
                      f"{r.get('cpu_count', '?')} cores, torch on {threads(r.get('torch_threads'))})" for r in records})
    times = ", ".join(f"seed {r['seed']} {duration(r['seconds'])}" for r in records)
    dates = sorted(d[:10] for r in records for d in (r["date"], r.get("date_last", r["date"])))
    when = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
    versions = records[-1]["versions"]
    return (f"{'; '.join(devices)}; {times}; run {when} (torch {versions.get('torch')}, "
            f"Python {versions.get('python')})")


def metric_rows(name: str, records: list[dict], preset: str = "full") -> list[tuple[str, str, str, str]]:
    """``(figure, source, ours, bar)`` per metric of a run experiment; a variant preset is reported, never judged."""
    source = source_of(name)
    rows = []
    for metric in source.metrics or generic_metrics(records):
        values = metric_values(metric, records)
        known = [v for v in values if v is not None]
        ours = spread(known, metric) if known else "n/a"
        if len(known) > 1:
            ours += ": " + ", ".join(f"{fmt(v, metric)}" for v in values)
        met, why = judge(metric, records) if preset == "full" else (None, "reported: not the source's settings")
        given = fmt(metric.source, metric) if metric.source is not None else "not reported"
        if preset != "full" and metric.source is not None:
            given = f"{given}, with its own settings: not comparable"
        rows.append((metric.label, given, ours,
                     why if met is None else ("**" + why.split(":")[0] + "**" + why[len(why.split(":")[0]):])))
    return rows


def summary(name: str, records: list[dict], preset: str = "full") -> str:
    """One cell: met / not met / reported / not run yet (and what a run needs, in short)."""
    if not records:
        needs = source_of(name).needs.split(" (")[0].split(":")[0]
        return f"not run yet: needs {needs}" if needs and preset == "full" else "not run yet"
    verdicts = [None] if preset != "full" else [judge(m, records)[0] for m in source_of(name).metrics]
    judged = [v for v in verdicts if v is not None]
    seeds = f" ({len(records)} seed{'s' if len(records) > 1 else ''})"
    if not judged:
        return "reported" + seeds
    return ("met" if all(judged) else "not met") + seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("names", help="every experiment, one per line")
    ingest_cmd = sub.add_parser("ingest", help="copy result.json files (validated, unchanged) into results/")
    ingest_cmd.add_argument("runs", nargs="+", type=Path, help="run folders (searched for result.json) or files")
    ingest_cmd.add_argument("--allow-overrides", action="store_true", help="take runs that changed the preset")
    args = parser.parse_args(argv)
    try:
        if args.command == "names":
            print("\n".join(experiments()))
        elif args.command == "ingest":
            for path in ingest(args.runs, allow_overrides=args.allow_overrides):
                print(f"copied {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    except ResultError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
