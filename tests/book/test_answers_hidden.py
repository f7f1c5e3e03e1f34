"""The book's rule: answers stay hidden, and taught code has one home.

No page (book/NN_name/NN_name.md, outside the exercise's own answer cell, hidden tests aside as the page
drops them) shows the answer of an exercise; a later chapter reuses an earlier chapter's answer only
through its released answers (``seqgen.released``; the day-one ``seqgen`` holds none:
tests/book/test_released_answers.py). Code
a chapter teaches and a later chapter reuses lives once, in ``seqgen``: a later chapter never
holds a second copy. Copies are found by normalised syntax trees (``autograder.copies``).
"""

from __future__ import annotations

import ast

import pytest

from autograder import copies, course

CHAPTERS = [c.page for c in course.chapters()]
ANSWERS = [a for path in CHAPTERS for a in copies.answers(path)]
SEQGEN = sorted((course.ROOT / "seqgen").rglob("*.py"))
RUN_NODES = 150  # a run of identical statements this big is a pasted block (setup cells share ~20)
DEFINITION_NODES = 40  # a definition this big, identical in two chapters, is taught code (a one-line loss is not)

# Known violations being fixed, as (chapter, definition): reason; each is a strict xfail (an
# unexpected pass fails, so a stale mark cannot hide). None today.
KNOWN: dict[tuple[str, str], str] = {}


def units(cells: list[tuple[list[str], str]], with_answer_cells: bool = True) -> dict[str, ast.AST]:
    """A page's top-level definitions by name, and all its other top-level code as ``<top level>``."""
    found: dict[str, ast.AST] = {}
    top: list[ast.stmt] = []
    for tags, source in cells:
        if not with_answer_cells and any(t.startswith("answer:") for t in tags):
            continue
        tree = copies.parse(source)
        for node in tree.body if tree else []:
            if isinstance(node, copies._DEFS):
                found.setdefault(node.name, node)
            else:
                top.append(node)
    found["<top level>"] = ast.Module(top, [])
    return found


PAGES = {path.stem: units(copies.shown_cells(path)) for path in CHAPTERS}
TAUGHT = {path.stem: units(copies.shown_cells(path), with_answer_cells=False) for path in CHAPTERS}
SEQUENCES = {(stem, name): copies.statement_sequence(node) for stem, found in TAUGHT.items() for name, node in found.items()}
DEFINITIONS = {(stem, name): copies.normalised_definition(node) for stem, found in TAUGHT.items() for name, node in found.items()
               if name != "<top level>" and copies.size(node) >= DEFINITION_NODES}


def cases(table: dict[str, dict[str, ast.AST]], known: dict = KNOWN) -> list:
    return [pytest.param(stem, name, id=f"{stem}-{name}",
                         marks=[pytest.mark.xfail(strict=True, reason=known[stem, name])] if (stem, name) in known else [])
            for stem, found in table.items() for name in found]


def shown_answers(node: ast.AST) -> list[str]:
    keys = copies.keys_of(copies.normalised(node))
    return [f"{a.stem}:{a.name}" for a in ANSWERS if copies.reveals(a, keys)]


@pytest.mark.parametrize("stem, name", cases(PAGES))
def test_no_page_shows_an_answer(stem, name):
    """Does this definition (or the page's top-level code) show no exercise's answer, of any chapter?"""
    found = shown_answers(PAGES[stem][name])
    assert not found, (f"{stem}'s {name} shows the answer of {', '.join(found)}: reuse an earlier chapter's answer "
                       "through seqgen.released, never show a later or the same chapter's")


@pytest.mark.parametrize("stem, name", cases(TAUGHT, known={}))
def test_taught_code_has_one_home(stem, name):
    """Is this code not a second copy of code an earlier chapter already shows (which would belong in seqgen)?"""
    mine, fingerprint = SEQUENCES[stem, name], DEFINITIONS.get((stem, name))
    for earlier, found in TAUGHT.items():
        if earlier >= stem:
            continue
        for other in found:
            if fingerprint:
                assert DEFINITIONS.get((earlier, other)) != fingerprint, (
                    f"{stem}'s {name} is a copy of {earlier}'s {other}: give it one home in seqgen and import it")
            nodes, count = copies.heaviest_common_run(mine, SEQUENCES[earlier, other])
            assert nodes < RUN_NODES, (f"{stem}'s {name} repeats {count} statements ({nodes} nodes) of {earlier}'s "
                                       f"{other}: give that code one home in seqgen")


def test_known_violations_are_still_there():
    """Does each definition marked as a known violation still exist (else its mark is stale: drop it from KNOWN)?"""
    for stem, name in KNOWN:
        assert stem in PAGES and name in PAGES[stem], f"{stem}'s {name} is gone: drop ({stem!r}, {name!r}) from KNOWN"
