"""The version a build names (git, with a fallback) and the course pack named with it."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import zipfile

import yaml

from autograder import course
from autograder.publishing import pack


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(course.ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_the_version_is_the_checkouts_commit_and_its_date():
    """Is the version this checkout's HEAD, its commit date, and uncommitted changes flagged as git sees them?"""
    v = pack.site_version(course.ROOT, today=datetime.date(2031, 2, 3))
    assert v.commit == git("rev-parse", "HEAD") and v.date == git("log", "-1", "--format=%cs")
    assert v.modified == bool(git("status", "--porcelain", "--untracked-files=no")) and v.built == "2031-02-03"
    assert v.label == f"{v.date}-{v.commit[:7]}" + ("-modified" if v.modified else "")
    footer = v.footer("https://github.com/o/r/")
    assert f'built on 2031-02-03 from commit <a href="https://github.com/o/r/commit/{v.commit}"><code>{v.commit[:7]}</code></a>' in footer
    assert f"<code>{v.commit[:7]}</code> of {v.date}" in v.footer()


def test_a_copy_that_is_no_checkout_is_unversioned(tmp_path):
    """Outside a git checkout (an unpacked archive, even one inside another checkout's folder), is the version the
    build's date and 'unversioned', with a footer that says no commit is known?"""
    v = pack.site_version(tmp_path, today=datetime.date(2031, 2, 3))
    assert (v.commit, v.label) == (None, "2031-02-03-unversioned") and "not a git checkout" in v.footer()
    inside = course.ROOT / "rendered"  # ignored by git, inside this checkout
    if inside.is_dir():
        assert pack.site_version(inside).commit is None


def test_the_pack_holds_exactly_the_student_files_in_one_folder(tmp_path):
    """Does the pack hold each chapter's student notebook, the wheel and the requirements, in a folder named like
    the zip, byte for byte, the same bytes when made twice, and replace an older pack?"""
    stems = ["01_a", "02_b"]
    for stem in stems:
        (tmp_path / f"{stem}.ipynb").write_text(f'{{"stem": "{stem}"}}')
    wheel = tmp_path / "seqgen-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK wheel")
    (tmp_path / "requirements-student.txt").write_text("numpy==2.4.6\n")
    (tmp_path / "seqgen-course-2020-01-01-0000000.zip").write_bytes(b"old")
    (tmp_path / "stray.txt").write_text("not in the pack")
    version = pack.Version("1234567abcdef", "2031-02-01", "2031-02-03")
    made = pack.write_pack(tmp_path, stems, wheel, version)
    assert made.name == "seqgen-course-2031-02-01-1234567.zip"
    assert sorted(p.name for p in tmp_path.glob("seqgen-course-*.zip")) == [made.name]
    with zipfile.ZipFile(made) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(f"seqgen-course-2031-02-01-1234567/{n}" for n in
                                       ["01_a.ipynb", "02_b.ipynb", wheel.name, "requirements-student.txt"])
        assert all(zf.read(n) == (tmp_path / n.split("/")[1]).read_bytes() for n in names)
    first = made.read_bytes()
    shutil.copy(made, tmp_path / "keep.zip")
    assert pack.write_pack(tmp_path, stems, wheel, version).read_bytes() == first


def test_the_sites_config_carries_the_version_and_the_address(tmp_path, monkeypatch):
    """Does the site's _config.yml keep the footer and add the version line, and take the site's address from
    $SEQGEN_SITE_URL when _config.yml leaves it unset?"""
    shutil.copy(course.ROOT / "_config.yml", tmp_path)
    monkeypatch.setenv("SEQGEN_SITE_URL", "https://owner.github.io/course")
    version = pack.Version("1234567abcdef", "2031-02-01", "2031-02-03")
    config = pack.site_config(tmp_path, version)
    original = yaml.safe_load((course.ROOT / "_config.yml").read_text())
    assert config["html"]["extra_footer"].startswith(original["html"]["extra_footer"].rstrip("\n"))
    assert version.footer() in config["html"]["extra_footer"] and config["html"]["baseurl"] == "https://owner.github.io/course/"
    assert {k: v for k, v in config.items() if k != "html"} == {k: v for k, v in original.items() if k != "html"}
