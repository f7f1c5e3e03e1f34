"""Numbers in prose come from the run: a figure a chapter's text quotes from its own outputs is glued
(``seqgen.glue`` in the cell that computed it, ``{glue:text}`name``` in the text), so it cannot drift.

- every glue key a chapter's prose uses is glued by that chapter's executed notebook;
- no decimal number or percentage written out in a chapter's prose also appears in that chapter's
  printed outputs (it should be glued instead), math, code, links and the references aside, and
  settings aside: a number the chapter's code itself writes (a temperature, a learning rate) is an
  input the prose may name, not a result.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course
from autograder.publishing.build import RENDERED_DIR

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
STEMS = course.stems()
GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`:]+)(?::[^`]*)?`")
NUMBER = re.compile(r"(?<![\w.,])(\d+\.\d+|\d+(?:\.\d+)?\s?%)(?![\w.]\d)")


def prose(stem: str) -> str:
    """The chapter's markdown cells, without math, code spans, glue roles, links and its references section."""
    nb = course.chapter(stem).source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    text = text.split("\n## References", 1)[0]
    for pattern in (r"\$\$.*?\$\$", r"\$[^$\n]+\$", r"\{[a-z:]+\}`[^`]*`", r"`[^`]*`", r"\]\([^)]*\)", r"https?://\S+"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


def code_numbers(stem: str) -> set[str]:
    """Numbers written in the chapter's code cells: its settings."""
    nb = course.chapter(stem).source
    return {n for c in nb.cells if c.cell_type == "code" for n in re.findall(r"\d+(?:\.\d+)?", c.source)}


def executed(stem: str) -> nbformat.NotebookNode:
    path = RENDERED_DIR / f"{stem}.ipynb"
    assert path.is_file(), f"{path} is missing: the site build renders it"
    return nbformat.read(path, as_version=4)


def glued_keys(nb: nbformat.NotebookNode) -> set[str]:
    return {o.metadata["scrapbook"]["name"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "scrapbook" in o.get("metadata", {})}


def printed(nb: nbformat.NotebookNode) -> str:
    """Everything the chapter's cells print or show as text (glued values aside)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data") and "scrapbook" not in out.get("metadata", {}):
                parts += [str(out.data.get(k, "")) for k in ("text/plain", "text/html")]
    return "\n".join(parts)


def test_the_patterns_find_what_they_should():
    """Does the prose reader find glue keys and drop math and code, and the number pattern find decimals and percents?"""
    assert GLUE_ROLE.findall("a {glue:text}`acc:.1%` b {glue}`fig` c") == ["acc", "fig"]
    assert NUMBER.findall("0.55 and 32 % and 12% of 3,000 words, v1.2.3, 2.5.") == ["0.55", "32 %", "12%", "2.5"]


@pytest.mark.parametrize("stem", STEMS)
def test_every_glue_key_the_prose_uses_is_glued_by_the_chapter(site, stem):
    """Is each {glue:text}`key` of the chapter's text glued by one of its executed cells?"""
    nb = course.chapter(stem).source
    used = {k for c in nb.cells if c.cell_type == "markdown" for k in GLUE_ROLE.findall(c.source)}
    missing = used - glued_keys(executed(stem))
    assert not missing, f"{stem}'s text pastes {sorted(missing)}, which no cell glued"


@pytest.mark.parametrize("stem", STEMS)
def test_no_number_in_the_prose_copies_a_printed_output(site, stem):
    """Does no decimal or percentage in the chapter's text also appear in its printed outputs (glue it instead)?"""
    output, settings = printed(executed(stem)), code_numbers(stem)
    copied = sorted({n for n in NUMBER.findall(prose(stem)) if n.rstrip(" %") not in settings
                     and re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", output)})
    assert not copied, f"{stem}'s text writes out {copied}, which its outputs print: glue them from the cell"
