"""A dry run of adding a chapter: its folder and one line of the table of contents, nothing else.

In a temporary copy of the course, ``book/NN_demo/`` (its page, hidden checks and kept answers, from
``tests/autograder/new_chapter/10_demo/``, numbered after the course's last chapter) and one ``_toc.yml``
line are added; then, in that copy, the chapter
is executed and rendered as the book does, released as students get it, and graded in the sandbox
from the released notebook (answered with the reference, and left as the stub).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course

DEMO = Path(__file__).parent / "new_chapter" / "10_demo"
LAST = course.stems()[-1]
STEM = f"{int(LAST[:2]) + 1:02d}_demo"  # the chapter after the course's last one
COPIED = ["autograder", "seqgen", "book", "_toc.yml", "_config.yml", "pyproject.toml", "README.md", "requirements-student.txt"]
OUTPUTS = {"course", ".cache", "rendered", "submissions", "__pycache__"}
RUN = '''
import json
import nbformat
from autograder import course
from autograder.grading import batch
from autograder.grading.sandbox import Limits
from autograder.publishing import execute, pages, release, render

stem = {stem!r}
chapter = course.chapter(stem)
executed = execute.executed_chapter(chapter)
(released,) = release.release(course.course_dir(), [stem])
page = render.render_chapter(stem, executed, released, course.ROOT / "rendered")
for student, answers in {"reference": chapter.reference_answers, "stub": {}}.items():
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta["grade_id"] in answers:
            cell.source = answers[meta["grade_id"]]
    target = course.ROOT / "submissions" / student / stem / f"{stem}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(nb, target)
records = batch.grade(course.ROOT / "submissions", course.course_dir(), jobs=2, limits=Limits(cell_timeout=120), progress=False)
print(json.dumps({"stems": course.stems(), "toc": [e["file"] for e in pages.site_toc(course.ROOT)["chapters"]],
                  "page": str(page), "released": str(released),
                  "records": {r.student: [r.score, r.max_score, [e.check for e in r.exercises]] for r in records}}))
'''


def snapshot(root: Path) -> dict[str, str]:
    """Every source file of the copy (outputs left out) and its hash."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and not OUTPUTS & set(p.relative_to(root).parts)}


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("course-copy")
    for name in COPIED:
        src = course.ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(src, root / name)
    before = snapshot(root)
    (root / "book" / STEM).mkdir()
    for part in DEMO.iterdir():
        if part.is_file():
            shutil.copy(part, root / "book" / STEM / part.name.replace(DEMO.name, STEM))
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text() + f"  - file: rendered/{STEM}\n")
    after = snapshot(root)
    env = {**os.environ, "PYTHONPATH": str(root), "SEQGEN_COURSE": str(root / "course")}
    proc = subprocess.run([sys.executable, "-c", RUN.replace("{stem!r}", repr(STEM))], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    touched = sorted(f for f in after if before.get(f) != after[f]) + sorted(set(before) - set(after))
    return json.loads(proc.stdout.strip().splitlines()[-1]), touched, root, snapshot(root) == after


@pytest.mark.slow
def test_a_new_chapter_is_its_folder_and_one_toc_line(dry_run):
    """Did adding the chapter touch only its own three files and the table of contents, and did building,
    releasing and grading it change no source file of the course?"""
    result, touched, root, unchanged = dry_run
    assert touched == ["_toc.yml", f"book/{STEM}/{STEM}.md", f"book/{STEM}/checks.py", f"book/{STEM}/mutants.py"]
    assert unchanged, "building, releasing or grading the new chapter wrote into the course's sources"
    assert result["stems"][-1] == STEM
    assert result["toc"].index(STEM) == result["toc"].index(LAST) + 1, result["toc"]


@pytest.mark.slow
def test_the_new_chapter_is_built_released_and_graded(dry_run):
    """Is the new chapter's page executed (its visible test passing) with the stub shown, its student notebook the
    stub, and are the reference and the stub, graded in the sandbox from that notebook, given 2/2 and 0/2?"""
    result, _, _, _ = dry_run
    page = Path(result["page"]).read_text()
    assert "all visible checks passed" in page and "raise NotImplementedError()" in page and "np.cumsum" not in page
    released = Path(result["released"]).read_text()
    assert "raise NotImplementedError()" in released and "np.cumsum" not in released
    assert result["records"]["reference"][:2] == [2.0, 2.0], result["records"]
    assert result["records"]["stub"][:2] == [0.0, 2.0] and "NotImplementedError" in result["records"]["stub"][2][0]
