"""Student notebooks: each chapter with stubs for its answers, its visible tests locked, no outputs.

Made in this process by the preprocessors of :data:`PREPROCESSORS`: first the course's own
:class:`DropInstructorCells` (cells tagged ``instructor`` stay on the page and out of the student
notebook: they need what the student setup lacks, e.g. PyTorch), then nbgrader's own, in the order
``nbgrader generate_assignment`` applies them, without its subprocess, gradebook or config file. Of that
command's list, three do nothing here and are left out: ``IncludeHeaderFooter`` (the course has no
header), ``InstantiateTests`` (no ``AUTOTEST`` cells) and ``SaveCells`` (the gradebook: grading does
not use nbgrader). The released file is what ``generate_assignment`` writes from the chapter less its
instructor cells (``tests/autograder/publishing/test_release.py`` compares them); :func:`release` then puts the
course's set-up cell first (:mod:`autograder.publishing.student_setup`: it installs the course's packages where
``seqgen`` is missing).

``<course>/release/<stem>/<stem>.ipynb`` is rewritten only when what it is made from changed
(:func:`release_digest`, stamped in ``<course>/release/.<stem>.sha256``).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions,
                                    ComputeChecksums, LockCells, NbGraderPreprocessor)

from .. import course
from ..course import STUB, Chapter, assert_no_leak, log
from ..tags import drop_instructor_cells
from .student_setup import setup_source, with_setup_cell


class DropInstructorCells(NbGraderPreprocessor):
    """Leave out the cells tagged ``instructor`` (:func:`autograder.tags.drop_instructor_cells`)."""

    def preprocess(self, nb, resources):
        return drop_instructor_cells(nb), resources


# (preprocessor, its settings): the course's own, then generate_assignment's order, less the three that do
# nothing here.
PREPROCESSORS = [
    (DropInstructorCells, {}),  # on the page only: what the student setup cannot run
    (LockCells, {}),  # answer cells undeletable; test cells undeletable and read-only
    (ClearSolutions, {"code_stub": {"python": STUB}}),  # each solution region becomes the stub
    (ClearOutput, {}),
    (CheckCellMetadata, {}),
    (ComputeChecksums, {}),  # recorded in the cells' metadata, as nbgrader does
    (ClearHiddenTests, {}),  # none: hidden checks live in book/<stem>/checks.py (tags.py refuses a hidden region)
    (ClearMarkScheme, {}),
    (ComputeChecksums, {}),
    (CheckCellMetadata, {}),
]


def student_notebook(chapter: Chapter) -> nbformat.NotebookNode:
    """The chapter as students get it."""
    nb, resources = chapter.notebook(), {}
    for preprocessor, settings in PREPROCESSORS:
        nb, resources = preprocessor(**settings).preprocess(nb, resources)
    return nb


def release_digest(chapter: Chapter) -> str:
    """What a release is made from: the source notebook (less its random cell ids), the preprocessors, nbgrader's version."""
    source = copy.deepcopy(chapter.source)
    for cell in source.cells:
        cell.pop("id", None)  # jupytext draws new cell ids at every read
    digest = hashlib.sha256(json.dumps(source, sort_keys=True).encode())
    digest.update(repr([(p.__name__, settings) for p, settings in PREPROCESSORS]).encode())
    digest.update(importlib.metadata.version("nbgrader").encode())
    digest.update(setup_source().encode())  # the set-up cell put first (it names the site and the wheel)
    return digest.hexdigest()


def released_path(course_dir: Path, stem: str) -> Path:
    return Path(course_dir) / "release" / stem / f"{stem}.ipynb"


def release(course_dir: Path | None = None, stems: list[str] | None = None) -> list[Path]:
    """Student notebooks under ``<course>/release/<stem>/`` (all chapters, or ``stems``), holding the course's lock."""
    course_dir = Path(course_dir or course.course_dir())
    chapters = [course.chapter(s) for s in stems] if stems else course.chapters()
    out = []
    with course.course_lock(course_dir):
        for chapter in chapters:
            if not chapter.checks_path.is_file():
                raise FileNotFoundError(f"chapter {chapter.stem} has no hidden checks {chapter.checks_path}: "
                                        "a chapter is released only with its checks")
            target, digest = released_path(course_dir, chapter.stem), release_digest(chapter)
            stamp = target.parent.parent / f".{chapter.stem}.sha256"
            if target.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
                log(f"{chapter.stem}: source unchanged, keeping {target}")
            else:
                stamp.unlink(missing_ok=True)
                target.parent.mkdir(parents=True, exist_ok=True)
                # as nbgrader writes it, with the course's set-up cell first (student_setup.py)
                target.write_text(nbformat.writes(with_setup_cell(student_notebook(chapter))) + "\n")
                stamp.write_text(digest + "\n")
                log(f"released {target}")
            assert_no_leak(target.read_text(), str(target))
            out.append(target)
    return out
