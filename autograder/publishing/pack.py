"""What a published build is: the version it is built from, the course pack named with it, and the site's
configuration stamped with both.

- :func:`site_version`: the checkout's commit and its date (``git``), or, outside a git checkout, the build's date
  and ``unversioned``; the footer of every page says it (:meth:`Version.footer`);
- :func:`write_pack`: one zip of every student notebook, the ``seqgen`` wheel and ``requirements-student.txt``,
  named ``seqgen-course-<version>.zip``, offered on the landing page;
- :func:`site_config`: ``_config.yml`` as the site is built from it: the version in the footer, and the site's
  address (``html.baseurl``) where :func:`autograder.publishing.student_setup.site_url` knows it;
- :func:`stamp_site_source`: all three in the site's source folder, once :func:`autograder.publishing.pages.write_site_source`
  has filled it (the pack's name replaces :data:`PACK_TOKEN` in the book's pages).
"""

from __future__ import annotations

import datetime
import html
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .pages import STUDENT_REQUIREMENTS
from .student_setup import STUDENT_FOLDER, book_config, site_url

PACK_PREFIX = "seqgen-course"
PACK_TOKEN = "SEQGEN_PACK"  # in book pages (intro.md), replaced by the course pack's file name
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # every member's timestamp: the same inputs give the same zip, byte for byte


@dataclass(frozen=True)
class Version:
    commit: str | None  # the full hash, None outside a git checkout
    date: str  # the commit's date (YYYY-MM-DD), else the build's
    built: str  # the build's date (UTC)
    modified: bool = False  # tracked files differed from the commit

    @property
    def short(self) -> str | None:
        return self.commit[:7] if self.commit else None

    @property
    def label(self) -> str:
        """``2026-12-06-33526ec`` (``-modified`` with uncommitted changes), or ``2026-12-06-unversioned``."""
        if not self.commit:
            return f"{self.built}-unversioned"
        return f"{self.date}-{self.short}" + ("-modified" if self.modified else "")

    def footer(self, repository_url: str | None = None) -> str:
        """The footer line saying which commit and date built the page."""
        if not self.commit:
            return (f'<p class="seqgen-version">Version {self.label}: built on {self.built} from a copy that is not '
                    "a git checkout (no commit known).</p>")
        commit = f"<code>{self.short}</code>"
        if repository_url:
            commit = f'<a href="{html.escape(repository_url.rstrip("/"))}/commit/{self.commit}">{commit}</a>'
        changes = " with uncommitted changes" if self.modified else ""
        return (f'<p class="seqgen-version">Version {self.label}: built on {self.built} from commit {commit} '
                f"of {self.date}{changes}.</p>")


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def site_version(root: Path, today: datetime.date | None = None) -> Version:
    """The version of the checkout at ``root``: its commit, the commit's date and the build's date."""
    built = (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat()
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != Path(root).resolve():  # not a checkout (or inside another one)
        return Version(None, built, built)
    commit, date = _git(root, "rev-parse", "HEAD"), _git(root, "log", "-1", "--format=%cs")
    if not commit or not date:
        return Version(None, built, built)
    modified = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
    return Version(commit, date, built, modified)


def pack_name(version: Version) -> str:
    return f"{PACK_PREFIX}-{version.label}.zip"


def write_pack(student_dir: Path, stems: list[str], wheel: Path, version: Version) -> Path:
    """``student_dir/seqgen-course-<version>.zip``: the student notebooks, the wheel and the requirements, in one folder."""
    target = student_dir / pack_name(version)
    folder = target.stem
    members = [student_dir / f"{stem}.ipynb" for stem in stems] + [wheel, student_dir / STUDENT_REQUIREMENTS]
    for old in student_dir.glob(f"{PACK_PREFIX}-*.zip"):
        old.unlink()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in members:
            info = zipfile.ZipInfo(f"{folder}/{member.name}", ZIP_DATE)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zf.writestr(info, member.read_bytes())
    return target


def site_config(root: Path, version: Version) -> dict:
    """``_config.yml`` as the site is built from it: the version under the footer, the site's address if known."""
    config = book_config(root)
    page = config.setdefault("html", {})
    repository = (config.get("repository") or {}).get("url") or None
    page["extra_footer"] = (page.get("extra_footer") or "").rstrip("\n") + "\n" + version.footer(repository) + "\n"
    url = site_url(root)
    if url:
        page["baseurl"] = url
    return config


def stamp_site_source(root: Path, target: Path, stems: list[str]) -> Version:
    """In the site's source ``target``: the course pack in ``student/``, its name in the pages, the stamped config."""
    version = site_version(root)
    student = target / STUDENT_FOLDER
    (wheel,) = student.glob("seqgen-*.whl")
    made = write_pack(student, stems, wheel, version)
    for page in target.glob("*.md"):
        text = page.read_text()
        if PACK_TOKEN in text:
            page.write_text(text.replace(PACK_TOKEN, made.name))
    config = site_config(root, version)
    (target / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return version
