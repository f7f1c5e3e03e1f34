"""Instructor commands.

    python -m autograder.cli book [--force] [--no-html]   execute, strip and render the site
    python -m autograder.cli release [CHAPTER ...]        student notebooks in autograder/release/
    python -m autograder.cli grade SUBMISSIONS [--csv F]  autograde <student>/<chapter>/<chapter>.ipynb
    python -m autograder.cli chapters                      list chapters and their exercises
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import pipeline
from .tags import exercise_cells


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    book = sub.add_parser("book", help="execute chapters (cached), strip, release, render HTML")
    book.add_argument("--force", action="store_true", help="re-execute even unchanged chapters")
    book.add_argument("--no-html", action="store_true", help="stop before jupyter-book")
    rel = sub.add_parser("release", help="write student notebooks with nbgrader")
    rel.add_argument("chapters", nargs="*", help="chapter stems, e.g. 01_lstm_intro (default: all)")
    grade = sub.add_parser("grade", help="autograde a folder of submissions")
    grade.add_argument("submissions", type=Path, help="folder laid out as <student>/<chapter>/<chapter>.ipynb")
    grade.add_argument("--csv", type=Path, default=None, help="where to write the grades (default autograder/grades.csv)")
    sub.add_parser("chapters", help="list chapters and exercises")
    args = parser.parse_args(argv)

    if args.command == "book":
        pipeline.build_book(force=args.force, html=not args.no_html)
    elif args.command == "release":
        pipeline.release(pipeline.COURSE_DIR, args.chapters or None)
    elif args.command == "grade":
        rows = pipeline.grade(args.submissions, pipeline.COURSE_DIR, args.csv)
        for row in rows:
            print(f"{row['student']:>20} {row['assignment']:>20} {row['score']:g}/{row['max_score']:g}")
    elif args.command == "chapters":
        for path in pipeline.chapter_paths():
            nb = pipeline.jupytext.read(path)
            exercises = exercise_cells(nb)
            total = sum(e.points for e in exercises)
            print(f"{path.stem}: {len(exercises)} exercises, {total:g} points: " + ", ".join(e.id for e in exercises))


if __name__ == "__main__":
    main()
