"""Prove the drafted exercises in process, as tests/autograder/test_mutants.py proves a chapter's.

    nice -n 10 .venv/bin/python drafts/exercises/prove.py [group ...]

Each group (a folder here, named after the chapter it is drafted for) holds:
- ``cells.py``: ``SETUP`` (the chapter's code before the exercises: imports, given classes, earlier answers),
  ``ORDER`` (exercise ids), ``ANSWERS[id]`` (the answer cell, reference between BEGIN/END SOLUTION) and
  ``TESTS[id]`` (the visible test cell);
- ``checks.py``: the hidden checks (``checks = Checks()``, written against ``autograder.checking``);
- ``mutants.py``: ``MUTANTS[id][label]`` and ``ALTERNATIVES[id]``.

Proven per group, in one :class:`autograder.checking.LocalKernel` (the group's namespace): every visible test
cell passes with the reference; the reference passes every check; each wrong answer fails its own check and
no other (no collateral loss); each alternative passes every check; each exercise keeps >= 3 wrong answers
from >= 2 classes and >= 2 alternatives. Exit status 1 if anything fails.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SEQGEN_DATA_MIRROR", str(HERE.parents[3] / "shared" / "data"))

from autograder.checking import LocalKernel, run_check  # noqa: E402

CLASSES = {"contract", "logic", "numeric"}


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prove(group: str) -> list[str]:
    folder = HERE / group
    cells, checks = load(folder / "cells.py", f"cells_{group}"), load(folder / "checks.py", f"checks_{group}").checks.by_id
    answers = load(folder / "mutants.py", f"mutants_{group}")
    ns: dict = {"__name__": "__main__"}
    problems: list[str] = []
    exec(compile(cells.SETUP, f"<{group} setup>", "exec"), ns)  # noqa: S102
    for ex_id in cells.ORDER:
        exec(compile(cells.ANSWERS[ex_id], f"<{group} answer {ex_id}>", "exec"), ns)  # noqa: S102
        try:
            exec(compile(cells.TESTS[ex_id], f"<{group} tests {ex_id}>", "exec"), ns)  # noqa: S102
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{ex_id}: the visible test fails on the reference: {type(exc).__name__}: {exc}")
    kernel = LocalKernel(ns)
    assert set(checks) == set(cells.ORDER), (sorted(checks), cells.ORDER)

    def verdicts(ex_id=None, code=None):
        if ex_id is not None:
            exec(compile(code, f"<{group} variant {ex_id}>", "exec"), ns)  # noqa: S102
        try:
            return {i: run_check(c, kernel) for i, c in checks.items()}
        finally:
            if ex_id is not None:
                exec(compile(cells.ANSWERS[ex_id], f"<{group} answer {ex_id}>", "exec"), ns)  # noqa: S102

    start = time.perf_counter()
    for i, (ok, msg) in verdicts().items():
        if not ok:
            problems.append(f"{i}: the reference fails its check: {msg}")
    n_mut = n_alt = 0
    for ex_id in cells.ORDER:
        labels = answers.MUTANTS.get(ex_id, {})
        classes = {label.split(":", 1)[0] for label in labels}
        if len(labels) < 3 or len(classes) < 2 or not classes <= CLASSES:
            problems.append(f"{ex_id}: {len(labels)} wrong answers from {sorted(classes)}")
        if len(answers.ALTERNATIVES.get(ex_id, [])) < 2:
            problems.append(f"{ex_id}: fewer than two alternatives")
        for label, code in labels.items():
            n_mut += 1
            got = verdicts(ex_id, code)
            if got[ex_id][0]:
                problems.append(f"{ex_id}: wrong answer {label!r} passed its check")
            else:
                print(f"  {ex_id} <- {label}: fails with {got[ex_id][1][:150]!r}")
            collateral = {i: m for i, (ok, m) in got.items() if i != ex_id and not ok}
            if collateral:
                problems.append(f"{ex_id}: wrong answer {label!r} also cost {collateral}")
        for n, code in enumerate(answers.ALTERNATIVES.get(ex_id, [])):
            n_alt += 1
            failed = {i: m for i, (ok, m) in verdicts(ex_id, code).items() if not ok}
            if failed:
                problems.append(f"{ex_id}: alternative {n} rejected: {failed}")
    print(f"{group}: {len(cells.ORDER)} exercises, {n_mut} wrong answers, {n_alt} alternatives, "
          f"{time.perf_counter() - start:.1f} s; problems: {len(problems)}")
    return problems


def main() -> int:
    groups = sys.argv[1:] or sorted(p.name for p in HERE.iterdir() if (p / "cells.py").is_file())
    problems = [p for g in groups for p in prove(g)]
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
