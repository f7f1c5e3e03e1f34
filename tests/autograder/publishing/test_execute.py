"""The chapters' execution cache key: what a chapter imports, and nothing else."""

from __future__ import annotations

from autograder import course
from autograder.publishing import execute

PAGE = '''# A

```{code-cell} ipython3
%matplotlib inline
import numpy as np
from seqgen.datasets import dates
from seqgen import plot
```
'''
FILES = {
    "book/01_a/01_a.md": PAGE, "book/01_a/checks.py": "", "book/01_a/mutants.py": "",
    "seqgen/__init__.py": "", "seqgen/plot.py": "from .text import words\n", "seqgen/text.py": "def words(): ...\n",
    "seqgen/data.py": "def path(): ...\n", "seqgen/layers.py": "X = 1\n",
    "seqgen/datasets/__init__.py": "", "seqgen/datasets/dates.py": "from ..data import path\n",
    "solutions/gpt.py": "Y = 1\n", "autograder/transplants/recurrent.py": "Z = 1\n",
}


def tree(tmp_path):
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def key(root):
    return execute.cache_key(course.chapter("01_a", root / "book"), root)


def test_the_key_covers_what_the_chapter_imports_through_seqgen(tmp_path):
    """Are the files of the chapter's key seqgen's modules it imports, directly or through them, with their packages?"""
    root = tree(tmp_path)
    files = execute.imported_files([c.source for c in course.chapter("01_a", root / "book").source.cells], root)
    assert [str(f.relative_to(root)) for f in files] == [
        "seqgen/__init__.py", "seqgen/data.py", "seqgen/datasets/__init__.py", "seqgen/datasets/dates.py",
        "seqgen/plot.py", "seqgen/text.py"]


def test_editing_the_reference_or_the_grader_re_executes_nothing(tmp_path):
    """Does editing solutions/, the transplants, the checks or a seqgen module the chapter does not import leave its key?"""
    root = tree(tmp_path)
    before = key(root)
    for rel in ["solutions/gpt.py", "autograder/transplants/recurrent.py", "book/01_a/checks.py", "book/01_a/mutants.py",
                "seqgen/layers.py"]:
        (root / rel).write_text((root / rel).read_text() + "# edited\n")
        assert key(root) == before, f"editing {rel} changed the chapter's execution key"


def test_editing_what_the_chapter_imports_re_executes_it(tmp_path):
    """Does editing the page, a seqgen module it imports, one imported through it, or a package's __init__ change the key?"""
    root = tree(tmp_path)
    seen = {key(root)}
    for rel in ["book/01_a/01_a.md", "seqgen/datasets/dates.py", "seqgen/data.py", "seqgen/text.py", "seqgen/__init__.py",
                "seqgen/datasets/__init__.py"]:
        (root / rel).write_text((root / rel).read_text() + "\n# edited\n")
        new = key(root)
        assert new not in seen, f"editing {rel} left the chapter's execution key unchanged"
        seen.add(new)


REUSING = '''# B

```{code-cell} ipython3
from seqgen import released

TimeLSTM = released("01_a", "TimeLSTM")
```
'''
RELEASED = {"book/02_b/02_b.md": REUSING, "book/02_b/checks.py": "", "book/02_b/mutants.py": "",
            "seqgen/released.py": "import importlib\n", "seqgen_answers/__init__.py": "CHAPTERS = ['01_a']\n",
            "seqgen_answers/ch01_a.py": "from seqgen.layers import X\n\n\nclass TimeLSTM: ...\n"}


def test_the_key_covers_the_released_answers_a_chapter_takes(tmp_path):
    """Does a chapter that takes an earlier answer with released("01_a", ...) have that released module (and what it
    imports) in its key, so that a changed answer re-executes it, and is its key computed before they are generated?"""
    root = tree(tmp_path)
    for rel, text in RELEASED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    chapter = course.chapter("02_b", root / "book")
    files = execute.imported_files([c.source for c in chapter.source.cells], root)
    assert [str(f.relative_to(root)) for f in files] == [
        "seqgen/__init__.py", "seqgen/layers.py", "seqgen/released.py", "seqgen_answers/__init__.py", "seqgen_answers/ch01_a.py"]
    before = execute.cache_key(chapter, root)
    (root / "seqgen_answers/ch01_a.py").write_text(RELEASED["seqgen_answers/ch01_a.py"] + "# answer changed\n")
    assert execute.cache_key(chapter, root) != before
    for f in (root / "seqgen_answers").iterdir():
        f.unlink()
    assert [str(f.relative_to(root)) for f in execute.imported_files([c.source for c in chapter.source.cells], root)] == [
        "seqgen/__init__.py", "seqgen/released.py"]


def test_every_chapter_imports_seqgen_and_not_the_reference():
    """Does every chapter's key cover some of seqgen, and none of solutions/ or autograder/ (the released answers it
    takes, seqgen_answers, are generated from the pages)?"""
    for chapter in course.chapters():
        files = execute.imported_files([c.source for c in chapter.source.cells if c.cell_type == "code"])
        rels = {str(f.relative_to(course.ROOT)) for f in files}
        assert "seqgen/__init__.py" in rels, chapter.stem
        assert not [r for r in rels if not r.startswith(("seqgen/", "seqgen_answers/"))], (chapter.stem, rels)
    reusing = execute.imported_files([c.source for c in course.chapter("06_peeky_reverse").source.cells])
    assert course.ROOT / "seqgen_answers" / "ch05_seq2seq.py" in reusing
