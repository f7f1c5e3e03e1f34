"""Instructor commands. Everything they write goes to the course folder (``--course``, else
``$SEQGEN_COURSE``, else ``course/`` at the repository's root), except the site (``_build/html``) and the
course environment's released answers (``seqgen_answers/`` at the repository's root).

    python -m autograder.cli book [--force] [--no-html]   execute, strip and render the site
    python -m autograder.cli release [CHAPTER ...]        student notebooks in <course>/release/
    python -m autograder.cli release-answers --upto N     chapters 1-N's answers, a wheel in <course>/release/answers/
    python -m autograder.cli answers                      the course environment's seqgen_answers/ (every chapter)
    python -m autograder.cli grade SUBMISSIONS [--jobs N | --scheduler ADDRESS] [limits]   grade <student>/<chapter>/<chapter>.ipynb
    python -m autograder.cli grade-one NOTEBOOK --student S --chapter C [limits]   grade (or regrade) one
    python -m autograder.cli csvs                          rebuild grades.csv and grades_long.csv from the records
    python -m autograder.cli chapters                      list chapters and their exercises
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import course


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    book = sub.add_parser("book", help="execute chapters (cached), strip, release, render HTML")
    book.add_argument("--force", action="store_true", help="re-execute even unchanged chapters")
    book.add_argument("--no-html", action="store_true", help="stop before jupyter-book")
    rel = sub.add_parser("release", help="write student notebooks")
    rel.add_argument("chapters", nargs="*", help="chapter stems, e.g. 01_lstm_intro (default: all)")
    ans = sub.add_parser("release-answers", help="the answers wheel to hand out after chapter UPTO's deadline")
    ans.add_argument("--upto", required=True, help="last chapter released: a number (3) or a stem (03_char_rnn)")
    sub.add_parser("answers", help="(re)generate the course environment's seqgen_answers/ (every chapter)")
    grade = sub.add_parser("grade", help="grade a folder of submissions in sandboxed kernels, in parallel")
    grade.add_argument("submissions", type=Path, help="folder laid out as <student>/<chapter>/<chapter>.ipynb")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: one per core)")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="hand each submission to this Dask scheduler (tcp://host:8786) as a grade-one task; "
                            "the course folder must be shared with its workers (pip install .[cluster])")
    one = sub.add_parser("grade-one", help="grade (or regrade) one notebook; the unit to fan out on a cluster")
    one.add_argument("notebook", type=Path)
    one.add_argument("--student", required=True)
    one.add_argument("--chapter", required=True, help="chapter stem, e.g. 06_peeky_reverse")
    csvs = sub.add_parser("csvs", help="rebuild grades.csv and grades_long.csv from every record (after a fan-out)")
    for p in (book, rel, ans, grade, one, csvs):
        p.add_argument("--course", type=Path, default=None, help="the course folder (default: $SEQGEN_COURSE or course/)")
    for p in (grade, one):
        add_limit_flags(p)
        p.add_argument("--secret-file", type=Path, default=None,
                       help="the course secret hidden inputs are drawn from (default: <course>/secret, made on first use)")
    sub.add_parser("chapters", help="list chapters and exercises")
    args = parser.parse_args(argv)
    where = getattr(args, "course", None) or course.course_dir()

    if args.command == "book":
        from .publishing.build import build_book

        build_book(force=args.force, html=not args.no_html, course_dir=where)
    elif args.command == "release":
        from .publishing.release import release

        release(where, args.chapters or None)
    elif args.command in ("release-answers", "answers"):
        _answers(args, where)
    elif args.command in ("grade", "grade-one", "csvs"):
        _grade(args, where)
    elif args.command == "chapters":
        for chapter in course.chapters():
            print(f"{chapter.stem}: {len(chapter.exercises)} exercises, {chapter.max_score:g} points: "
                  + ", ".join(e.id for e in chapter.exercises))


def _answers(args, where: Path) -> None:
    from . import answers

    if args.command == "answers":
        print(answers.write_course_package())
        return
    with course.course_lock(where):
        path = answers.build_wheel(args.upto, answers.wheel_folder(where))
    print(f"{path}\nhand it out after chapter {int(answers.stems_upto(args.upto)[-1][:2])}'s deadline; students run "
          f"`pip install {path.name}` in their course environment")


def _grade(args, where: Path) -> None:
    from .grading.batch import grade, grade_one
    from .grading.csvs import write_csvs

    if args.command == "grade":
        records = grade(args.submissions, where, jobs=args.jobs, limits=limits_from(args), scheduler=args.scheduler,
                        secret_file=args.secret_file)
        for r in records:
            print(f"{r.student:>24} {r.stem:>20} {r.score:g}/{r.max_score:g}  ({r.seconds:.1f} s)")
    elif args.command == "grade-one":
        records = [grade_one(args.notebook, args.student, args.chapter, where, limits_from(args), args.secret_file)]
        write_csvs(where)
        print(f"{records[0].student} {records[0].stem} {records[0].score:g}/{records[0].max_score:g} ({records[0].seconds:.1f} s)")
    else:
        records = []
        write_csvs(where)
    print(f"grades: {where / 'grades.csv'}, {where / 'grades_long.csv'}; feedback: {where / 'feedback'}")
    failed = [r for r in records if r.grader_error]
    if failed:
        print(f"{len(failed)} of {len(records)} submissions could not be graded (grader errors): see "
              f"{where / 'graded'}/<student>/<chapter>.json ({', '.join(sorted({r.student for r in failed})[:10])})",
              file=sys.stderr)
        raise SystemExit(3)


def add_limit_flags(parser: argparse.ArgumentParser) -> None:
    from .grading.sandbox import Limits

    d = Limits()
    add = parser.add_argument
    add("--cell-timeout", type=float, default=d.cell_timeout, help=f"seconds per cell or check (default {d.cell_timeout:g})")
    add("--notebook-timeout", type=float, default=d.notebook_timeout, help=f"seconds per notebook (default {d.notebook_timeout:g})")
    add("--memory-mb", type=int, default=d.memory_mb,
        help=f"the kernel's memory: its processes, memfd pages and tmpfs (default {d.memory_mb})")
    add("--output-kb", type=int, default=d.output_kb, help=f"output kept per cell (default {d.output_kb})")
    add("--output-max-mb", type=float, default=d.output_max_mb,
        help=f"a cell sending more output (any message) is stopped (default {d.output_max_mb:g})")
    add("--tmp-mb", type=int, default=d.tmp_mb, help=f"size of the kernel's private /tmp (default {d.tmp_mb})")
    add("--shm-mb", type=int, default=d.shm_mb, help=f"size of /dev/shm and the cap on SysV shared memory (default {d.shm_mb})")
    add("--work-mb", type=int, default=d.work_mb, help=f"size of the work folder's tmpfs, graded as root (default {d.work_mb})")
    add("--max-processes", type=int, default=d.max_processes,
        help=f"processes and threads of one kernel (default {d.max_processes})")
    add("--reply-mb", type=float, default=d.reply_mb, help=f"the largest message read from a kernel (default {d.reply_mb:g})")
    add("--standin-mb", type=float, default=d.standin_mb,
        help=f"the arguments of one call into a checker-side stand-in (default {d.standin_mb:g})")
    add("--uid-base", type=int, default=d.uid_base,
        help=f"graded as root, kernels run as uid UID_BASE, UID_BASE+1, ... (default {d.uid_base})")
    add("--start-timeout", type=float, default=d.start_timeout,
        help=f"seconds a kernel may take to start, retried once (default {d.start_timeout:g})")
    add("--kernel-python", default=d.kernel_python, metavar="PYTHON",
        help="the interpreter that runs the kernels (default: the student venv's, built from requirements-student.txt "
             "on first use; give a venv made once while online to grade on a machine without PyPI)")


LIMIT_FLAGS = ("cell_timeout", "notebook_timeout", "memory_mb", "output_kb", "output_max_mb", "tmp_mb", "shm_mb", "work_mb",
               "max_processes", "reply_mb", "standin_mb", "uid_base", "start_timeout", "kernel_python")


def limits_from(args):
    from .grading.sandbox import Limits

    return Limits(**{name: getattr(args, name) for name in LIMIT_FLAGS})


if __name__ == "__main__":
    main()
