"""The README's generated tables: experiments, data and full-preset results, each between its markers.

    python -m autograder.publishing.readme            rewrite every marked block from the code and the JSON
    python -m autograder.publishing.readme --check    only say whether the README matches (exit 1 if not)

A block is ``<!-- NAME:begin (python -m autograder.publishing.readme) -->`` ... ``<!-- NAME:end -->``;
``tests/autograder/test_results.py`` fails when the README and the code disagree.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

from .results import (README, RESULTS_DIR, chapter_of, experiments, load_runs, metric_rows, module,
                      preset_overrides, reported_presets, source_of, summary)
from .results_page import table

COMMAND = "python -m autograder.publishing.readme"


def markers(block: str) -> tuple[str, str]:
    return f"<!-- {block}:begin ({COMMAND}) -->", f"<!-- {block}:end -->"


def results_block(results_dir: Path = RESULTS_DIR) -> list[str]:
    """Full presets (and declared variants) as measured, from the same JSON as the Results page."""
    runs = load_runs(results_dir)
    rows = []
    for name in sorted(set(experiments()) | set(runs)):
        for preset in reported_presets(name):
            records = runs.get(name, {}).get(preset, [])
            label = f"`{name}`" if preset == "full" else f"`{name}` ({preset})"
            if not records:
                if preset == "full":
                    needs = f"; needs {source_of(name).needs}" if source_of(name).needs else ""
                    rows.append((label, f"not run yet (`make results NAMES={name}`{needs})", source_of(name).figure, "-"))
                continue
            ours = "; ".join(f"{label_} {value}" for label_, _, value, _ in metric_rows(name, records, preset))
            minutes = statistics.mean(r["seconds"] for r in records) / 60
            where = sorted({r["device"] for r in records})
            changed = sorted({k for r in records for k in preset_overrides(r, preset)})
            ours += f"; not the {preset} preset: {', '.join(changed)} changed" if changed else ""
            rows.append((label, f"{ours} ({'/'.join(where)}, {minutes:.0f} min per seed)",
                         source_of(name).figure if preset == "full" else "(a variant: not the source's settings)",
                         summary(name, records, preset)))
    return table(rows, ("experiment", "ours (full preset)", "source's figure", "bar"))


def experiments_block() -> list[str]:
    """Every experiment: its chapter, what it trains, its source and the command of its full preset."""
    rows = []
    for name in experiments():
        doc = (getattr(module(name), "__doc__", "") or "").strip().splitlines()[0]
        what = re.sub(r"^Chapter \d+: ", "", doc).rstrip(".")
        stem = chapter_of(name) or ""
        presets = ", ".join(f"`{p}`" for p in getattr(module(name), "PRESETS", {}))
        rows.append((f"`{name}`", stem[:2].lstrip("0"), what, source_of(name).citation.split(" (")[0], presets,
                     f"`python -m solutions.train {name} --preset full --device auto`"))
    return table(rows, ("experiment", "chapter", "what it trains", "source", "presets", "full preset"))


def data_block() -> list[str]:
    """Every registered dataset file, and the presets that read it (a cpu preset is its chapter's setting)."""
    from seqgen.data import REGISTRY

    users: dict[str, list[str]] = {}
    for name in experiments():
        for preset, datasets in getattr(module(name), "DATA", {}).items():
            chapter = f" (ch. {(chapter_of(name) or '?')[:2].lstrip('0')})" if preset == "cpu" else ""
            for dataset in datasets:
                users.setdefault(dataset, []).append(f"`{name}` {preset}{chapter}")
    rows = [(f"`{d.name}`", f"`{d.folder}/{d.filename}`", d.description + (" No pinned public copy (no checksum)."
                                                                             if d.sha256 is None else ""),
             ", ".join(users.get(d.name, [])) or "-") for d in REGISTRY.values()]
    return table(rows, ("name", "file", "what", "presets that read it"))


BLOCKS = {"experiments": experiments_block, "data": data_block, "results": results_block}


def update(readme: Path = README, check: bool = False, blocks: dict | None = None) -> bool:
    """Rewrite every marked block of ``readme`` (or with ``check``, only compare); True if all already matched."""
    text = original = readme.read_text()
    for name, make in (blocks or BLOCKS).items():
        begin, end = markers(name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"{readme} has no block between {begin!r} and {end!r}")
        block = "\n".join([begin, *make(), end])
        text = pattern.sub(lambda _: block, text)
    if text != original and not check:
        readme.write_text(text)
    return text == original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only say whether it matches (exit 1 if not)")
    args = parser.parse_args(argv)
    same = update(check=args.check)
    print("README tables " + ("match the code and the JSON" if same else
                              ("differ from the code or the JSON" if args.check else "rewritten")))
    return 1 if args.check and not same else 0


if __name__ == "__main__":
    sys.exit(main())
