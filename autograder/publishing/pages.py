"""The site's pages: what each chapter page adds to the executed notebook, and the
site's source folder (``rendered/``) that Jupyter Book builds.

Everything here works from a chapter's structure (its title, tags, summary and
figure cells), so a new chapter gets it without code of its own:

- a box under the title: what you will learn, the time it takes, the exercises
  and their points, and the link to the student notebook;
- figures: a plot cell's caption (cell metadata ``mystnb.figure.caption``) also
  becomes the image's alt text unless the cell gives one (``mystnb.image.alt``);
- the source folder: the chapters at its root (URLs without build folders), the
  other pages of ``book/``, its ``_static``/``_templates``, ``_config.yml``, and
  ``_toc.yml`` with folder prefixes dropped and the exercises and results pages
  added (the results page is drawn from the committed JSON: ``autograder/results_page.py``).
"""

from __future__ import annotations

import ast
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml


EXERCISES_PAGE = "exercises"
RESULTS_PAGE = "results"
STUDENT_REQUIREMENTS = "requirements-student.txt"
WHEEL_TOKEN = "SEQGEN_WHEEL"  # in book pages, replaced by the wheel's file name
MINUTES_PER_EXERCISE = 20  # the course keeps each exercise under 30 minutes
WORDS_PER_MINUTE = 200


def graded_exercises(nb: nbformat.NotebookNode) -> list[tuple[str, float]]:
    """``(exercise id, points)`` in order, from the nbgrader metadata (present on executed, stripped and released notebooks)."""
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            found.append((meta["grade_id"].removesuffix("_tests"), float(meta.get("points", 0))))
    return found


def written_names(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Exercise id -> what the student writes: the functions and classes its answer cell defines (``build_lstm_lm``
    for ``lstm_lm``), read from the cell's syntax tree (the stub keeps the definition's line); the id where the cell
    defines none."""
    names = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.split("\n"))
            try:
                body = ast.parse(code).body
            except SyntaxError:
                body = []
            defined = [n.name for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
            names[meta["grade_id"]] = ", ".join(defined) or meta["grade_id"]
    return names


def chapter_title(nb: nbformat.NotebookNode) -> str:
    """The text of the chapter's ``# `` heading."""
    return nb.cells[0].source.split("\n", 1)[0].lstrip("# ").strip()


def learning_points(nb: nbformat.NotebookNode) -> list[str]:
    """The first sentence of each bullet of the chapter's ``## Summary``: what a reader will learn."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^## Summary\b", cell.source, re.M):
            body = cell.source.split("## Summary", 1)[1].split("\n## ", 1)[0]
            bullets = re.findall(r"^- (.+)$", body, re.M)
            return [re.split(r"(?<=[.;:])\s", b, maxsplit=1)[0].rstrip(";:") for b in bullets]
    return []


def minutes_needed(nb: nbformat.NotebookNode) -> int:
    """Reading (200 words a minute), running the cells (as measured) and the exercises, rounded up to 5 minutes."""
    words = sum(len(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    running = nb.metadata.get("seqgen", {}).get("execution_seconds", 0) / 60
    total = words / WORDS_PER_MINUTE + running + MINUTES_PER_EXERCISE * len(graded_exercises(nb))
    return int(5 * math.ceil(total / 5))


def exercises_table(stem: str, nb: nbformat.NotebookNode) -> tuple[str, float]:
    """A markdown table of the chapter's exercises (the names the student writes) with their points, and the total."""
    rows, total = [], 0.0
    written = written_names(nb)
    for number, (ex_id, points) in enumerate(graded_exercises(nb), 1):
        name = written.get(ex_id, ex_id)
        rows.append(f"| {number} | `{name}` | {points:g} |")
        total += points
    return "\n".join(["| # | exercise | points |", "|---|---|---|", *rows]), total


def glance_box(stem: str, nb: nbformat.NotebookNode) -> str:
    """The box under a chapter's title."""
    learn = "\n".join(f"- {point}" for point in learning_points(nb)) or "- see the overview below"
    table, total = exercises_table(stem, nb)
    return (
        ":::{admonition} This chapter at a glance\n:class: tip\n"
        f"**What you will learn**\n\n{learn}\n\n"
        f"**Time**: about {minutes_needed(nb)} minutes (reading, running the cells on a laptop CPU, and the exercises).\n\n"
        f"**Exercises** ({total:g} points)\n\n{table}\n\n"
        f"**Do the exercises**: download the {{download}}`student notebook <student/{stem}.ipynb>` and open it "
        "in Jupyter with the student setup (see the landing page). This page shows each exercise as the stub you "
        "fill in, followed by the output a correct answer gives; run the visible tests as you go. Hidden checks "
        "are added when it is graded.\n:::"
    )


def add_glance_box(page: nbformat.NotebookNode, stem: str) -> None:
    """Put the box right under the chapter title."""
    first = page.cells[0]
    lines = first.source.split("\n")
    if first.cell_type != "markdown" or not lines[0].startswith("# "):
        raise ValueError(f"{stem}: the first cell must be markdown starting with the '# ' title")
    first.source = "\n".join([lines[0], "", glance_box(stem, page), *lines[1:]])


def caption_figures(page: nbformat.NotebookNode) -> None:
    """Give each captioned plot cell's image the caption (without markup) as alt text unless it has its own."""
    for cell in page.cells:
        meta = cell.metadata.get("mystnb", {})
        caption = meta.get("figure", {}).get("caption")
        if cell.cell_type == "code" and caption and not meta.get("image", {}).get("alt"):
            # markup out (backticks, emphasis, roles), underscores inside names kept: `time_attention` stays
            plain = re.sub(r"[`*]|(?<!\w)_+|_+(?!\w)|\{[a-z]+\}", "", caption).strip()
            cell.metadata["mystnb"] = {**meta, "image": {**meta.get("image", {}), "alt": plain}}


def exercises_page(chapters: dict[str, nbformat.NotebookNode]) -> str:
    """The course-wide exercises page: every chapter's exercises and points."""
    parts = ["# Exercises", "", "Every graded exercise of the course, chapter by chapter, with its points. "
             "Each chapter's student notebook holds its exercises; the grader scores each one by its hidden check.", ""]
    grand = 0.0
    for stem, nb in chapters.items():
        table, total = exercises_table(stem, nb)
        grand += total
        parts += [f"## [{chapter_title(nb)}]({stem}.ipynb)", "",
                  f"{total:g} points; student notebook: {{download}}`{stem}.ipynb <student/{stem}.ipynb>`", "", table, ""]
    parts += [f"**In all**: {grand:g} points over {len(chapters)} chapters.", ""]
    return "\n".join(parts)


def toc_entry(path: str) -> str:
    """A toc file entry as it sits in the source folder: chapters at its root."""
    for prefix in ("rendered/", "book/"):
        path = path.removeprefix(prefix)
    return path


def _rewrite(node):
    if isinstance(node, dict):
        return {k: (toc_entry(v) if k in ("file", "root") and isinstance(v, str) else _rewrite(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def site_toc(root: Path) -> dict:
    """The repository's ``_toc.yml`` for the source folder, with the exercises and results pages after the chapters."""
    toc = _rewrite(yaml.safe_load((root / "_toc.yml").read_text()))
    entries = toc.setdefault("chapters", [])
    for page in (EXERCISES_PAGE, RESULTS_PAGE):
        if not any(e.get("file") == page for e in entries):
            entries.append({"file": page})
    return toc


def build_wheel(root: Path, out: Path) -> Path:
    """Build the ``seqgen`` wheel (the public package only) into ``out``; return its path.

    It is built from a copy of ``pyproject.toml``, ``README.md`` and ``seqgen/``, so the
    checkout gets no ``build/`` folder and nothing else can slip in.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="seqgen-wheel-") as tmp:
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(root / name, Path(tmp) / name)
        shutil.copytree(root / "seqgen", Path(tmp) / "seqgen", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                               "-w", str(out), tmp], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"building the seqgen wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    (wheel,) = sorted(out.glob("seqgen-*.whl"))
    return wheel


def write_site_source(root: Path, book_dir: Path, target: Path, chapters: dict[str, nbformat.NotebookNode]) -> None:
    """Fill ``target`` (which holds the rendered chapters) with the rest of the book's source."""
    student = target / "student"
    wheel = build_wheel(root, student)
    shutil.copy(root / STUDENT_REQUIREMENTS, student / STUDENT_REQUIREMENTS)
    for page in book_dir.glob("*.md"):
        if not re.match(r"\d\d_", page.name):
            (target / page.name).write_text(page.read_text().replace(WHEEL_TOKEN, wheel.name))
    for folder in ("_static", "_templates"):
        if (book_dir / folder).is_dir():
            shutil.copytree(book_dir / folder, target / folder, dirs_exist_ok=True)
    (target / f"{EXERCISES_PAGE}.md").write_text(exercises_page(chapters))
    from .results_page import page as results_page

    (target / f"{RESULTS_PAGE}.md").write_text(results_page(target, set(chapters)))
    (target / "_toc.yml").write_text(yaml.safe_dump(site_toc(root), sort_keys=False))
    shutil.copy(root / "_config.yml", target / "_config.yml")
