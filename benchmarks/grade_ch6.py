"""Grade 100 submissions of chapter 6 with the sandboxed grader and report the throughput.

Mix: 40 reference, 20 stubs, 20 wrong answers (the kept mutants, in turn), 20 hostile
(the fixtures of tests/autograder/grading/hostile/ch6.py, in turn); ``--count N`` keeps that mix
at N submissions. Prints submissions per minute and the mean time per notebook split into kernel
start, the chapter's cells (imports and set-up, mostly), and checks. ``--compare 1 2`` grades the
same submissions once per ``--jobs`` value, one run after the other in this process, and prints
seconds per submission side by side with their ratio and the load average before each run (a
shared machine's load moves both). A script, never a timed test: `make bench-grade [JOBS=N]`.
"""

from __future__ import annotations

import argparse
import itertools
import os
import runpy
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.grading import batch  # noqa: E402
from autograder.grading.sandbox import SEQGEN_DIR, Limits  # noqa: E402

TESTS = ROOT / "tests" / "autograder" / "grading"
STEM = "06_peeky_reverse"


def submissions(folder: Path, seqgen_copy: Path, count: int = 100) -> None:
    hostile = runpy.run_path(str(TESTS / "test_hostile.py"))
    mutants = runpy.run_path(str(ROOT / "book" / STEM / "mutants.py"))["MUTANTS"]
    ref = hostile["reference_answers"]()
    wrong = itertools.cycle([(ex, code) for ex, v in mutants.items() for code in v.values()])
    cases = itertools.cycle(sorted(hostile["CASES"].items()))
    n_ref, n_stub, n_wrong = round(0.4 * count), round(0.2 * count), round(0.2 * count)
    subs = {f"ref{i:02d}": hostile["student_notebook"](ref) for i in range(n_ref)}
    subs.update({f"stub{i:02d}": hostile["student_notebook"]({}) for i in range(n_stub)})
    for i in range(n_wrong):
        ex, code = next(wrong)
        subs[f"wrong{i:02d}"] = hostile["student_notebook"]({**ref, ex: code})
    for i in range(count - n_ref - n_stub - n_wrong):
        name, case = next(cases)
        answers = {**ref, **{k: hostile["fill"](v, ref[k]) for k, v in case["answers"].items()}}
        subs[f"hostile{i:02d}-{name}"] = hostile["student_notebook"](answers, case.get("tests"), case.get("insert"))
    for name, nb in subs.items():
        target = folder / name / STEM / f"{STEM}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    shutil.copytree(SEQGEN_DIR, seqgen_copy, ignore=shutil.ignore_patterns("__pycache__"))
    (seqgen_copy / "_answers_demo.py").write_text(hostile["HOSTILE"]["DEMO_MODULE"])


def run(subs: Path, course: Path, limits: Limits, jobs: int | None) -> tuple[list, float]:
    shutil.rmtree(course, ignore_errors=True)
    start = time.perf_counter()
    records = batch.grade(subs, course, jobs=jobs, limits=limits)
    return records, time.perf_counter() - start


def report(records: list, wall: float, jobs: int | None) -> None:
    n = len(records)
    mean = lambda key: sum(getattr(r.timing, key) for r in records) / n  # noqa: E731
    per_nb = sum(r.seconds for r in records) / n
    print(f"{n} submissions in {wall:.0f} s with --jobs {jobs or 'all cores'}: {60 * n / wall:.1f} submissions per minute")
    print(f"per notebook (mean of {n}): {per_nb:.1f} s = kernel start {mean('kernel_start'):.1f} s "
          f"+ chapter cells (imports, set-up, answers) {mean('cells'):.1f} s + checks {mean('checks'):.2f} s "
          f"+ grader overhead and restarts {per_nb - mean('kernel_start') - mean('cells') - mean('checks'):.1f} s")
    print(f"restarts: {sum(r.timing.restarts for r in records)}; "
          f"scores: {sorted({r.score for r in records})}; grader errors: {sum(bool(r.grader_error) for r in records)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--count", type=int, default=100, help="submissions (the mix kept: 40%% reference, 20%% each other kind)")
    parser.add_argument("--compare", type=int, nargs="+", default=None, metavar="JOBS",
                        help="grade the same submissions once per --jobs value and print them side by side")
    parser.add_argument("--cell-timeout", type=float, default=30.0, help="low, as the endless loops cost it each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        tmp = Path(tmp)
        submissions(tmp / "subs", tmp / "seqgen-src" / "seqgen", args.count)
        limits = Limits(cell_timeout=args.cell_timeout, memory_mb=2000, output_max_mb=5,
                        seqgen_dir=str(tmp / "seqgen-src" / "seqgen"))
        rows = []
        for jobs in args.compare or [args.jobs]:
            load = os.getloadavg()[0]
            records, wall = run(tmp / "subs", tmp / "course", limits, jobs)
            report(records, wall, jobs)
            rows.append((jobs, load, wall, len(records)))
    if len(rows) > 1:
        base = rows[0][2] / rows[0][3]
        print("\n| --jobs | load before | wall s | s per submission | vs first |\n|---|---|---|---|---|")
        for jobs, load, wall, n in rows:
            print(f"| {jobs} | {load:.1f} | {wall:.0f} | {wall / n:.1f} | {base / (wall / n):.2f}x |")


if __name__ == "__main__":
    main()
