"""The incremental site build: what makes it rebuild, and what makes it skip."""

from __future__ import annotations

import pytest

from autograder import course
from autograder.publishing import build


@pytest.fixture
def tiny_checkout(tmp_path, monkeypatch):
    """A checkout with one chapter and the files the site is built from, as the build's ROOT."""
    for rel, text in {"book/01_a/01_a.md": "# A\n\n```{code-cell} ipython3\nfrom seqgen.m import X\n```\n",
                      "book/01_a/checks.py": "", "book/01_a/mutants.py": "", "book/_static/x.css": "a {}\n",
                      "seqgen/__init__.py": "", "seqgen/m.py": "X = 1\n", "solutions/r.py": "Y = 1\n",
                      "autograder/grading/batch.py": "", "autograder/publishing/pages.py": "",
                      "course/release/01_a/01_a.ipynb": "{}", "_config.yml": "title: t\n", "_toc.yml": "",
                      "README.md": "", "pyproject.toml": "", "requirements-student.txt": ""}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    for name, value in {"ROOT": tmp_path, "RENDERED_DIR": tmp_path / "rendered", "HTML_DIR": tmp_path / "_build" / "html",
                        "SITE_STAMP": tmp_path / "_build" / "stamp"}.items():
        monkeypatch.setattr(build, name, value)
    return tmp_path


def test_site_digest_follows_the_sources_not_the_outputs(tiny_checkout):
    """Does the site's input hash change with a chapter, a static file, the code the chapter imports or the
    publishing code, and stay the same when only generated files (a release), the hidden reference, the grader
    or a chapter's hidden checks change?"""
    chapters = course.chapters(tiny_checkout / "book")
    before = build.site_digest(chapters)
    assert build.site_digest(chapters) == before
    for rel in ["course/release/01_a/01_a.ipynb", "solutions/r.py", "autograder/grading/batch.py", "book/01_a/checks.py",
                "book/01_a/mutants.py"]:
        (tiny_checkout / rel).write_text((tiny_checkout / rel).read_text() + "\n# changed\n")
        assert build.site_digest(course.chapters(tiny_checkout / "book")) == before, f"{rel} is no input of the site"
    seen = {before}
    for rel in ["book/01_a/01_a.md", "book/_static/x.css", "seqgen/m.py", "autograder/publishing/pages.py", "_config.yml"]:
        (tiny_checkout / rel).write_text((tiny_checkout / rel).read_text() + "\n# changed\n")
        digest = build.site_digest(course.chapters(tiny_checkout / "book"))
        assert digest not in seen, f"changing {rel} did not change the site's digest"
        seen.add(digest)


def test_site_is_current_only_with_the_stamp_and_every_output(tiny_checkout):
    """Is the last build current only when its stamp matches and the HTML, page and release all exist?"""
    chapters = course.chapters(tiny_checkout / "book")
    digest = build.site_digest(chapters)
    where = tiny_checkout / "course"
    outputs = [build.HTML_DIR / "index.html", build.RENDERED_DIR / "01_a.ipynb", where / "release/01_a/01_a.ipynb"]
    for f in outputs:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x")
    assert not build.site_is_current(chapters, digest, where), "no stamp: never built"
    build.SITE_STAMP.write_text(digest + "\n")
    assert build.site_is_current(chapters, digest, where)
    assert not build.site_is_current(chapters, "0" * 64, where), "other inputs"
    for f in outputs:
        f.unlink()
        assert not build.site_is_current(chapters, digest, where), f"{f.name} is missing"
        f.write_text("x")
