"""A student notebook imports nothing the student setup lacks: every module its code cells (as released:
the page's cells less those tagged ``instructor``) and the ``seqgen`` wheel import is in the standard library, in
``seqgen`` or the released ``seqgen_answers``, or in a distribution that ``requirements-student.txt``
installs (with its dependencies, as this environment resolves them). A static reading, fast; the
notebooks themselves are run in that setup by tests/book/test_student_env.py.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys

import pytest

from autograder import course
from autograder.publishing.release import student_notebook

OURS = {"seqgen", "seqgen_answers", "__future__"}
LAZY_INSTRUCTOR = {"torch"}  # a seqgen helper for instructors' code may import it inside a function (resolve_device)


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def installed_by_requirements() -> set[str]:
    """The distributions requirements-student.txt installs, dependencies included (extras and markers aside)."""
    todo = [_name(line) for line in (course.ROOT / "requirements-student.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def importable() -> set[str]:
    """Top-level module names a student venv provides."""
    dists = installed_by_requirements()
    names = {module for module, owners in metadata.packages_distributions().items()
             if any(o.lower().replace("_", "-") in dists for o in owners)}
    return names | set(sys.stdlib_module_names) | OURS


def imports(source: str, lazy_ok: set[str] = frozenset()) -> set[str]:
    """Top-level modules a piece of code imports, except inside ``try`` blocks (an optional import) and,
    for ``lazy_ok``, inside functions."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    tree = ast.parse("\n".join(lines))
    guarded = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) for b in t.body for n in ast.walk(b)}
    lazy = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(f)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        found |= {n.split(".")[0] for n in names if not (id(node) in lazy and n.split(".")[0] in lazy_ok)}
    return found


def student_cells(stem: str) -> list[str]:
    """The code cells of the chapter's student notebook, as the release makes it."""
    return [c.source for c in student_notebook(course.chapter(stem)).cells if c.cell_type == "code"]


@pytest.mark.parametrize("stem", course.stems())
def test_a_student_notebook_imports_only_what_the_student_setup_has(stem):
    """Does every module the chapter's student notebook imports come with requirements-student.txt, seqgen or Python?"""
    allowed = importable()
    missing = {m: cell[:60] for cell in student_cells(stem) for m in imports(cell) if m not in allowed}
    assert not missing, (f"{stem}'s student notebook imports {sorted(missing)}, which the student setup lacks: add them "
                         f"to requirements-student.txt or tag the cell 'instructor' ({missing})")


def test_the_seqgen_wheel_imports_only_what_the_student_setup_has():
    """Does every seqgen module import only what requirements-student.txt installs (torch only lazily, for instructors)?"""
    allowed = importable()
    missing = {f"{p.relative_to(course.ROOT)}: {m}" for p in sorted((course.ROOT / "seqgen").rglob("*.py"))
               for m in imports(p.read_text(), LAZY_INSTRUCTOR) if m not in allowed}
    assert not missing, f"seqgen imports what the student setup lacks: {sorted(missing)}"


def test_the_reading_finds_instructor_imports():
    """Would an unguarded torch import in a cell, or sklearn in a module, be found (and a guarded one not)?"""
    allowed = importable()
    assert {"torch", "nbgrader"} - allowed == {"torch", "nbgrader"}
    assert imports("import torch\nfrom solutions.x import y\nimport numpy as np") == {"torch", "solutions", "numpy"}
    assert imports("try:\n    import torch\nexcept ImportError:\n    pass") == set()
    assert imports("def f():\n    import torch\n", LAZY_INSTRUCTOR) == set()
    assert {"keras", "tensorflow", "numpy", "sklearn", "IPython"} <= allowed
