"""Grade 100 submissions of chapter 6 with the sandboxed grader and report the throughput.

Mix: 40 reference, 20 stubs, 20 wrong answers (the kept mutants, in turn), 20 hostile
(the fixtures of tests/autograder/grading/hostile/ch6.py, in turn). Prints submissions per minute
and the mean time per notebook split into kernel start, the chapter's cells (imports and
set-up, mostly), and checks. A script, never a timed test: `make bench-grade [JOBS=N]`.
"""

from __future__ import annotations

import argparse
import itertools
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


def submissions(folder: Path, seqgen_copy: Path) -> None:
    hostile = runpy.run_path(str(TESTS / "test_hostile.py"))
    mutants = runpy.run_path(str(ROOT / "book" / STEM / "mutants.py"))["MUTANTS"]
    ref = hostile["reference_answers"]()
    wrong = itertools.cycle([(ex, code) for ex, v in mutants.items() for code in v.values()])
    cases = itertools.cycle(sorted(hostile["CASES"].items()))
    subs = {f"ref{i:02d}": hostile["student_notebook"](ref) for i in range(40)}
    subs.update({f"stub{i:02d}": hostile["student_notebook"]({}) for i in range(20)})
    for i in range(20):
        ex, code = next(wrong)
        subs[f"wrong{i:02d}"] = hostile["student_notebook"]({**ref, ex: code})
    for i in range(20):
        name, case = next(cases)
        answers = {**ref, **{k: hostile["fill"](v, ref[k]) for k, v in case["answers"].items()}}
        subs[f"hostile{i:02d}-{name}"] = hostile["student_notebook"](answers, case.get("tests"), case.get("insert"))
    for name, nb in subs.items():
        target = folder / name / STEM / f"{STEM}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    shutil.copytree(SEQGEN_DIR, seqgen_copy, ignore=shutil.ignore_patterns("__pycache__"))
    (seqgen_copy / "_answers_demo.py").write_text(hostile["HOSTILE"]["DEMO_MODULE"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--cell-timeout", type=float, default=30.0, help="low, as the endless loops cost it each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        tmp = Path(tmp)
        submissions(tmp / "subs", tmp / "seqgen-src" / "seqgen")
        limits = Limits(cell_timeout=args.cell_timeout, memory_mb=2000, output_max_mb=5,
                        seqgen_dir=str(tmp / "seqgen-src" / "seqgen"))
        start = time.perf_counter()
        records = batch.grade(tmp / "subs", tmp / "course", jobs=args.jobs, limits=limits)
        wall = time.perf_counter() - start
    n = len(records)
    mean = lambda key: sum(getattr(r.timing, key) for r in records) / n  # noqa: E731
    per_nb = sum(r.seconds for r in records) / n
    print(f"{n} submissions in {wall:.0f} s with --jobs {args.jobs or 'all cores'}: {60 * n / wall:.1f} submissions per minute")
    print(f"per notebook (mean of {n}): {per_nb:.1f} s = kernel start {mean('kernel_start'):.1f} s "
          f"+ chapter cells (imports, set-up, answers) {mean('cells'):.1f} s + checks {mean('checks'):.2f} s "
          f"+ grader overhead and restarts {per_nb - mean('kernel_start') - mean('cells') - mean('checks'):.1f} s")
    print(f"restarts: {sum(r.timing.restarts for r in records)}; "
          f"scores: {sorted({r.score for r in records})}; grader errors: {sum(bool(r.grader_error) for r in records)}")


if __name__ == "__main__":
    main()
