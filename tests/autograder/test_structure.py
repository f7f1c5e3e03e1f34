"""The house's structure, measured: the import graph of ``autograder/`` and the size of every Python file.

The graph is read from the syntax trees (every ``import``, at module level or inside a function). Floors,
bottom up: ``tags`` and ``copies``; ``course``; what both wings stand on besides it, ``answers`` (the released
answers) and ``student_env`` (the student's environment); the wings ``grading``, ``publishing`` and
``transplants``; ``cli``. No import runs up a floor, none runs between the wings, and there is no cycle.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from autograder import course

PACKAGE = course.ROOT / "autograder"
MAX_LINES = 400
# Each top-level module or package of autograder/ and its floor; an import may only go to a lower floor
# (or stay inside its own package, without a cycle).
FLOORS = {"tags": 0, "copies": 0, "course": 1, "answers": 2, "student_env": 2,
          "grading": 3, "publishing": 3, "transplants": 3, "cli": 4}
WINGS = {"grading", "publishing", "transplants"}


def module_name(path: Path) -> str:
    parts = path.relative_to(course.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The autograder modules ``name`` imports (``from a import b`` counts as ``a.b`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in known}
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) - {name} for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(tuple(sorted(component)))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def top(name: str) -> str:
    return name.split(".")[1] if "." in name else ""


def test_the_cycle_finder_finds_cycles():
    """Does the cycle finder report a two-module and a three-module cycle, and nothing in a chain?"""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [("a", "b")]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [("a", "b", "c")]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle():
    """Is the import graph of autograder/ free of cycles?"""
    assert cycles(graph()) == [], f"import cycles: {cycles(graph())}"


def test_no_import_runs_up_a_floor_or_between_the_wings():
    """Does every import go down a floor (or stay in its own package), never between grading, publishing and
    transplants, and never to a package's __init__ from inside it?"""
    bad = []
    for name, targets in graph().items():
        for target in targets:
            mine, theirs = top(name), top(target)
            if mine == theirs:
                if target != "autograder" and name.startswith(target + ".") and modules()[target].name == "__init__.py":
                    bad.append(f"{name} -> {target} (its own package's __init__)")
                continue
            assert mine in FLOORS and theirs in FLOORS, f"{name} or {target}: give it a floor in FLOORS"
            if FLOORS[theirs] >= FLOORS[mine]:
                bad.append(f"{name} -> {target} ({mine} is on floor {FLOORS[mine]}, {theirs} on {FLOORS[theirs]})")
    assert not bad, bad


def test_the_wings_do_not_know_each_other():
    """Does grading import nothing of publishing, publishing nothing of grading, the transplants neither?"""
    crossing = [f"{a} -> {b}" for a, targets in graph().items() for b in targets
                if top(a) in WINGS and top(b) in WINGS and top(a) != top(b)]
    assert not crossing, crossing


def floors(edges: dict[str, set[str]]) -> dict[str, int]:
    """Each module's floor: 0 for one importing no autograder module, else one above the highest it imports."""
    memo: dict[str, int] = {}

    def floor(v, seen=()):
        if v not in memo:
            memo[v] = 0 if v in seen else 1 + max((floor(w, seen + (v,)) for w in edges[v]), default=-1)
        return memo[v]

    return {v: floor(v) for v in edges}


def test_the_graph_is_this_shallow():
    """Do the modules stand on at most seven floors (the old autograder/ had ten, with two cycles)?"""
    measured = floors(graph())
    assert max(measured.values()) + 1 <= 7, sorted(measured.items(), key=lambda kv: -kv[1])


def python_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], cwd=course.ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        return [course.ROOT / f for f in out if (course.ROOT / f).is_file()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file but the generated ones
        skip = {".venv", "_build", "rendered", ".cache", "course", "__pycache__", ".git"}
        return [p for p in course.ROOT.rglob("*.py") if not skip & set(p.relative_to(course.ROOT).parts)]


def test_no_python_file_is_over_400_lines():
    """Is every Python file of the repository (tests and chapters' kept answers included) at most 400 lines long?"""
    sizes = {str(p.relative_to(course.ROOT)): len(p.read_text().splitlines()) for p in python_files()}
    assert len(sizes) > 100, "the files were not found"
    over = {f: n for f, n in sizes.items() if n > MAX_LINES}
    assert not over, f"over {MAX_LINES} lines, split them: {over}"
