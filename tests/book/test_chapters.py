"""Chapter sources: structure, exercises, and agreement with the reference presets."""

from __future__ import annotations

import pkgutil
import re
import sys
from pathlib import Path

import jupytext
import pytest

from autograder import course
from autograder.tags import exercise_cells

CHAPTERS = [c.page for c in course.chapters()]
ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "solutions" / "experiments")]))
SKELETON = ["Overview", "Prerequisites", "Setup", "Summary", "Exercises recap"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_skeleton(path):
    """Does the chapter have the course's sections and at least three graded exercises?"""
    text = path.read_text()
    for heading in SKELETON:
        assert re.search(rf"^## {heading}\b", text, re.M), f"{path.stem}: no '## {heading}' section"
    assert len(exercise_cells(jupytext.read(path))) >= 3


def constants(path) -> dict[str, float]:
    """The chapter's top-level numeric constants (``NAME = 200_000  # comment``)."""
    found = re.findall(r"^([A-Z_]+) = ([0-9._e-]+)\b", path.read_text(), re.M)
    return {k: float(v.replace("_", "")) for k, v in found}


def mirrored(name: str) -> list[tuple[str, float, float]]:
    """``(constant, the chapter's value, the cpu preset's)`` for every constant experiment ``name`` mirrors."""
    import importlib

    module = importlib.import_module(f"solutions.experiments.{name}")
    preset, chapter = module.PRESETS["cpu"], constants(ROOT / "book" / module.CHAPTER / f"{module.CHAPTER}.md")
    rows = []
    for constant, field in module.MIRRORS.items():
        assert constant in chapter, f"{module.CHAPTER} defines no top-level constant {constant}"
        expected = field(preset) if callable(field) else getattr(preset, field)
        rows.append((constant, chapter[constant], float(expected)))
    return rows


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_chapter_trains_with_its_experiments_cpu_preset(name):
    """Does the chapter that teaches the experiment train with exactly its `cpu` preset (every mirrored constant)?"""
    rows = mirrored(name)
    assert len(rows) >= 5, f"{name} mirrors only {len(rows)} chapter constants"
    differ = [f"{c}: chapter {a:g}, preset {b:g}" for c, a, b in rows if a != b]
    assert not differ, f"{name}'s cpu preset and its chapter disagree: " + "; ".join(differ)


def test_the_preset_check_fails_when_a_constant_differs(tmp_path, monkeypatch):
    """Would the check catch a chapter whose constant no longer matches the preset (a copy with one constant edited)?"""
    import shutil

    copy = tmp_path / "book" / "06_peeky_reverse"
    copy.mkdir(parents=True)
    shutil.copy(ROOT / "book" / "06_peeky_reverse" / "06_peeky_reverse.md", copy)
    page = copy / "06_peeky_reverse.md"
    page.write_text(re.sub(r"^HIDDEN = 128\b", "HIDDEN = 256", page.read_text(), count=1, flags=re.M))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="HIDDEN: chapter 256, preset 128"):
        test_chapter_trains_with_its_experiments_cpu_preset("seq2seq")
