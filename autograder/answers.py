"""The released answers: the book's reference answers as the package ``seqgen_answers``.

The day-one ``seqgen`` wheel holds no answer of any chapter (``tests/book/test_released_answers.py``).
After chapter N's deadline the instructor hands out ``seqgen_answers`` version N, the reference answers
of chapters 1..N (``make release-answers UPTO=N``); a later chapter that reuses an earlier answer takes it
from there (``seqgen.released``). The book is the one source: every module is generated from a chapter's
page, never committed.

- one module per chapter, ``seqgen_answers/ch<stem>.py`` (e.g. ``ch03_char_rnn``): every top-level
  definition of its ``answer:<id>`` cells (solution markers removed), then those of its taught cells tagged
  ``released`` (code a later chapter reuses that embeds an earlier answer, so that seqgen cannot hold it:
  chapter 5's ``TimeLSTM`` runs chapter 1's ``lstm_step``), in page order;
- above them, the imports they need: the chapter's own import statements for the names they use, the
  ``seqgen`` module that holds a name the chapter defines in a taught cell (``seqgen.layers.sigmoid``),
  and the earlier chapter's module for a name the chapter takes with ``released(...)``;
- ``write_package(target, stems)`` writes the package (the course environment's copy, every chapter, is
  ``seqgen_answers/`` at the repository root, :func:`write_course_package`; the grading sandbox of chapter N
  gets the chapters before N); :func:`build_wheel` makes the wheel an instructor hands out
  (``python -m autograder.cli release-answers --upto N``: into ``<course>/release/answers/``).

Both wings stand on it: the book build writes the course environment's copy before it executes the
chapters, the grader gives each sandbox its releases. It reads the chapters through
:mod:`autograder.course` and never loads their hidden checks.
"""

from __future__ import annotations

import ast
import builtins
import functools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from . import course
from .course import ROOT

SEQGEN_DIR = ROOT / "seqgen"
PACKAGE = "seqgen_answers"
COURSE_PACKAGE = ROOT / PACKAGE  # the course environment's copy (every chapter), generated, git-ignored
RELEASED_TAG = "released"
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class AnswersError(ValueError):
    """A chapter's answers need a name the released module cannot import."""


def module_name(stem: str) -> str:
    """The released module of chapter ``stem``: ``"03_char_rnn"`` -> ``"ch03_char_rnn"``."""
    return f"ch{stem}"


def chapter_stems() -> list[str]:
    return course.stems()


def stems_upto(upto: str | int | None) -> list[str]:
    """The chapters released with ``upto``: a chapter number (``3``), a stem (``"03_char_rnn"``) or None (all)."""
    stems = chapter_stems()
    if upto is None:
        return stems
    text = str(upto)
    if text not in stems and not (text.isdigit() and 1 <= int(text) <= int(stems[-1][:2])):
        raise ValueError(f"no chapter {upto!r}: give a number from 1 to {int(stems[-1][:2])} or one of {', '.join(stems)}")
    return [s for s in stems if int(s[:2]) <= int(text[:2] if text in stems else text)]


def stems_before(stem: str) -> list[str]:
    """The chapters whose answers a student of ``stem`` has: every earlier one."""
    return [s for s in chapter_stems() if s < stem]


# --------------------------------------------------------------------------- one chapter


def _definitions(source: str) -> list[tuple[str, str]]:
    """(name, source) of each top-level definition of a cell, decorators and inner comments kept."""
    tree = ast.parse(source)
    lines = source.split("\n")
    out = []
    for node in tree.body:
        if isinstance(node, _DEFS):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out.append((node.name, "\n".join(lines[first - 1:node.end_lineno])))
    return out


def _bound_names(tree: ast.AST) -> set[str]:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    for n in ast.walk(tree):
        if isinstance(n, _DEFS):
            names.add(n.name)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in n.names}
    return names


def free_names(source: str) -> set[str]:
    """Names the code reads but never binds (builtins aside)."""
    tree = ast.parse(source)
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - _bound_names(tree) - set(dir(builtins))


def _code(source: str) -> str:
    """A cell without IPython magics and shell lines."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _providers(cells: list[str]) -> dict[str, str]:
    """name -> the import line that binds it in the chapter (the first one wins)."""
    found: dict[str, str] = {}
    for source in cells:
        try:
            tree = ast.parse(_code(source))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                for a in node.names:
                    found.setdefault((a.asname or a.name).split(".")[0],
                                     f"import {a.name}" + (f" as {a.asname}" if a.asname else ""))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module != "__future__":
                for a in node.names:
                    found.setdefault(a.asname or a.name,
                                     f"from {node.module} import {a.name}" + (f" as {a.asname}" if a.asname else ""))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and getattr(node.value.func, "id", None) == "released":
                args = [a.value for a in node.value.args if isinstance(a, ast.Constant)]
                for name in args[1:]:
                    found.setdefault(name, f"from .{module_name(args[0])} import {name}")
    return found


@functools.cache
def _seqgen_homes(root: Path = SEQGEN_DIR) -> dict[str, str]:
    """name -> the seqgen module that defines it at top level (its one home)."""
    homes: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        module = ".".join(("seqgen", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, _DEFS):
                homes.setdefault(node.name, module)
    return homes


def _chapter_cells(stem: str):
    return course.chapter(stem).source.cells  # read once per process; only read here


def chapter_module(stem: str) -> str:
    """The source of chapter ``stem``'s released module."""
    cells = _chapter_cells(stem)
    code_cells = [c for c in cells if c.cell_type == "code"]
    parts, exercises = [], []
    for cell in code_cells:
        tags = cell.metadata.get("tags", [])
        answer = [t.split(":", 1)[1] for t in tags if t.startswith("answer:")]
        if answer or RELEASED_TAG in tags:
            defs = _definitions(_code(course.solution_source(cell.source)))
            if not defs:
                raise AnswersError(f"{stem}: a cell tagged {tags} defines no function or class to release")
            parts += [source for _, source in defs]
            exercises += [name for name, _ in defs] if answer else []
    body = "\n\n\n".join(parts)
    defined = {name for cell in code_cells for name, _ in _safe_definitions(cell.source)}
    providers, homes = _providers([c.source for c in code_cells]), _seqgen_homes()
    imports = []
    for name in sorted(free_names(body)):
        if name in providers:
            imports.append(providers[name])
        elif name in defined and name in homes:
            imports.append(f"from {homes[name]} import {name}")
        else:
            raise AnswersError(f"{stem}'s answers use {name!r}, which the released module cannot import: give it "
                               f"one home in seqgen, or tag the cell that defines it {RELEASED_TAG!r}")
    title = re.sub(r"^\d+\.\s*", "", cells[0].source.split("\n", 1)[0].lstrip("# ").strip())
    head = "\n\n".join("\n".join(group) for group in _import_groups(imports) if group)
    doc = (f'"""Chapter {int(stem[:2])}, *{title}*: its reference answers ({", ".join(exercises)}), released after '
           f"the chapter's deadline.\n\nGenerated from book/{stem}/{stem}.md by autograder/answers.py (the book is the one "
           'source): do not edit.\n"""')
    return f"{doc}\n\n{head}\n\n\n{body}\n"


def _import_groups(imports: list[str]) -> list[list[str]]:
    """Imports as isort groups them: the standard library, other packages, seqgen, this package."""
    def top(line: str) -> str:
        return line.split()[1].split(".")[0]

    unique = sorted(set(imports), key=lambda line: (line.startswith("from "), line))
    return [[i for i in unique if top(i) in sys.stdlib_module_names],
            [i for i in unique if top(i) not in sys.stdlib_module_names and top(i) != "seqgen" and top(i)],
            [i for i in unique if top(i) == "seqgen"],
            [i for i in unique if not top(i)]]


def _safe_definitions(source: str) -> list[tuple[str, str]]:
    try:
        return _definitions(_code(source))
    except SyntaxError:
        return []


# --------------------------------------------------------------------------- the package and its wheel


def package_files(stems: list[str]) -> dict[str, str]:
    """``{relative path: text}`` of the package with the answers of ``stems``."""
    released = ", ".join(f"{int(s[:2])}" for s in stems) or "none"
    init = (f'"""The released answers of *Sequence Models and Generation*, chapters: {released}.\n\n'
            "One module per chapter (``ch<stem>``), generated from the book's answer cells by autograder/answers.py.\n"
            "A chapter reuses an earlier answer through ``seqgen.released``.\n" + '"""\n\n'
            f"CHAPTERS = {stems!r}\n")
    files = {f"{PACKAGE}/__init__.py": init}
    for stem in stems:
        files[f"{PACKAGE}/{module_name(stem)}.py"] = chapter_module(stem)
    return files


def write_package(target: Path, stems: list[str] | None = None) -> Path:
    """Write ``target/seqgen_answers`` with the answers of ``stems`` (default every chapter); only changed files are rewritten."""
    files = package_files(chapter_stems() if stems is None else stems)
    folder = target / PACKAGE
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.py"):
        if f"{PACKAGE}/{old.name}" not in files:
            old.unlink()
    for rel, text in files.items():
        path = target / rel
        if not path.is_file() or path.read_text() != text:
            partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            partial.write_text(text)
            partial.replace(path)  # a reader sees the old or the new module, whole
    return folder


def write_course_package() -> Path:
    """The course environment's copy, every chapter, at the repository root (what the book build and tests import)."""
    return write_package(ROOT)


def wheel_folder(course_dir: Path | None = None) -> Path:
    """Where the answers wheels go: ``<course>/release/answers/``."""
    return Path(course_dir or course.course_dir()) / "release" / "answers"


def build_wheel(upto: str | int | None, out: Path) -> Path:
    """The wheel ``seqgen_answers-<N>`` with the answers of chapters 1..N, in ``out``; return its path."""
    stems = stems_upto(upto)
    if not stems:
        raise ValueError("nothing to release: UPTO names no chapter")
    version = str(int(stems[-1][:2]))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="seqgen-answers-") as tmp:
        write_package(Path(tmp), stems)
        (Path(tmp) / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{PACKAGE}"\nversion = "{version}"\nrequires-python = ">=3.11"\n'
            f'description = "Sequence Models and Generation: the reference answers of chapters 1 to {version}"\n\n'
            f'[tool.setuptools]\npackages = ["{PACKAGE}"]\n')
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                               "-w", str(out), tmp], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"building the answers wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return out / f"{PACKAGE}-{version}-py3-none-any.whl"
