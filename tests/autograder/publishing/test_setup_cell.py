"""The set-up cell the release puts first in each student notebook: in a fresh venv without seqgen it installs the
course's wheel and requirements from the course site (here a folder served on 127.0.0.1); where seqgen imports it
does nothing; without a site it says where to get the two files.

The venv is real (``python -m venv``, its own pip) and the pip command is the cell's own, resolving the real
``requirements-student.txt`` against an HTTP server. What keeps it cheap and offline: the venv sees the course
environment's packages less ``seqgen`` (a ``.pth`` line naming a folder of links to them, as Colab comes with
its packages installed), so every pinned requirement is already satisfied, and ``PIP_NO_INDEX=1`` makes any
download from a package index fail. Only the wheel comes from the served site.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.publishing import release, student_setup
from autograder.publishing.pages import build_wheel


def clean_env(**extra: str) -> dict[str, str]:
    """No PYTHONPATH (the Makefile's would import seqgen from the checkout), no package index."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
           and not k.startswith("PIP_")}
    return {**env, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def run_cell(python: str, source: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", source], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the site's ``student/`` folder (the wheel, the requirements) served on 127.0.0.1; the paths asked for."""
    root = tmp_path_factory.mktemp("site")
    folder = root / student_setup.STUDENT_FOLDER
    wheel = build_wheel(course.ROOT, folder)
    assert wheel.name == student_setup.wheel_name(), "the cell names another wheel than the build makes"
    shutil.copy(course.ROOT / student_setup.STUDENT_REQUIREMENTS, folder)
    asked: list[str] = []

    class Recording(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            asked.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Recording, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "asked": asked}
    server.shutdown()


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory):
    """A new venv that sees the course environment's packages except seqgen (whose editable hook is left out)."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True, timeout=300)
    base = home / "base"
    base.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("seqgen", "__editable__")) and entry.suffix != ".pth":
            (base / entry.name).symlink_to(entry)
    (site_packages,) = (home / "venv" / "lib").glob("python3*/site-packages")
    (site_packages / "course-packages.pth").write_text(f"{base}\n")
    work = home / "work"
    work.mkdir()
    return {"python": str(home / "venv" / "bin" / "python"), "site_packages": site_packages, "work": work}


@pytest.mark.slow
def test_the_cell_installs_the_course_from_the_site_in_a_fresh_venv(site, fresh_venv):
    """In a venv without seqgen, does the cell install the site's wheel and requirements, say so, and leave a
    seqgen that imports from the venv; and does it then, run again, do nothing?"""
    python, work = fresh_venv["python"], fresh_venv["work"]
    probe = "import importlib.util as u; print(u.find_spec('seqgen') is None, u.find_spec('numpy') is not None)"
    assert run_cell(python, probe, work).stdout.split() == ["True", "True"], "the venv should lack seqgen only"
    source = student_setup.setup_source(site=site["url"])
    first = run_cell(python, source, work)
    assert first.returncode == 0, first.stdout + first.stderr
    wheel = student_setup.wheel_name()
    assert f"seqgen is missing: installing {wheel} and requirements-student.txt from {site['url']}student/" in first.stdout
    version = wheel.split("-")[1]
    assert f"seqgen {version} is ready. Successfully installed seqgen-{version}." in first.stdout, first.stdout
    assert {f"/student/{wheel}", "/student/requirements-student.txt"} <= set(site["asked"]), site["asked"]
    where = run_cell(python, "import seqgen; print(seqgen.__file__)", work).stdout.strip()
    assert Path(where).is_relative_to(fresh_venv["site_packages"]), where
    asked = len(site["asked"])
    again = run_cell(python, source, work)
    assert again.returncode == 0 and again.stdout == "" and len(site["asked"]) == asked


def test_the_cell_does_nothing_where_seqgen_imports(tmp_path):
    """With seqgen importable (the student venv, the grader's sandbox: no network), does the cell print nothing and
    ask no site for anything (its site here is a closed port)?"""
    env = clean_env(PYTHONPATH=str(course.ROOT))
    source = student_setup.setup_source(site="http://127.0.0.1:9/")
    done = subprocess.run([sys.executable, "-c", source + "\nprint(sorted(k for k in globals() if not k.startswith('__')))"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr  # nothing left behind either


def test_without_a_site_the_cell_says_where_to_get_the_wheel(tmp_path, monkeypatch):
    """With no site address (none in _config.yml, no $SEQGEN_SITE_URL) and no seqgen, does the cell stop with a
    message that names the wheel, the requirements and the landing page's Student setup?"""
    monkeypatch.delenv(student_setup.SITE_URL_ENV, raising=False)
    config = tmp_path / "_config.yml"
    config.write_text("html:\n  baseurl: ''\n")
    shutil.copy(course.ROOT / "pyproject.toml", tmp_path)
    source = student_setup.setup_source(tmp_path)
    done = subprocess.run([sys.executable, "-S", "-c", source], cwd=tmp_path, env=clean_env(),
                          capture_output=True, text=True, timeout=60)  # -S: no site-packages, so no seqgen
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: seqgen, the course's package, is not installed"), done.stderr
    assert "Student setup" in last and student_setup.wheel_name() in last and "requirements-student.txt" in last


def test_the_site_address_comes_from_the_config_then_the_environment(tmp_path, monkeypatch):
    """Is the site html.baseurl of _config.yml when set, else $SEQGEN_SITE_URL, else none (always ending in /)?"""
    (tmp_path / "_config.yml").write_text("html:\n  baseurl: ''\n")
    monkeypatch.delenv(student_setup.SITE_URL_ENV, raising=False)
    assert student_setup.site_url(tmp_path) is None
    monkeypatch.setenv(student_setup.SITE_URL_ENV, "https://owner.github.io/course")
    assert student_setup.site_url(tmp_path) == "https://owner.github.io/course/"
    (tmp_path / "_config.yml").write_text("html:\n  baseurl: https://course.example.org/\n")
    assert student_setup.site_url(tmp_path) == "https://course.example.org/"


def test_the_release_puts_the_cell_first_tagged_and_nothing_else(tmp_path):
    """Is a released notebook the nbgrader student notebook with the tagged set-up cell before its first cell?"""
    stem = "02_tokenization"
    (released,) = release.release(tmp_path, [stem])
    nb = nbformat.read(released, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.metadata["tags"] == [course.SETUP_TAG]
    assert first.source == student_setup.setup_source() and "nbgrader" not in first.metadata
    expected = release.student_notebook(course.chapter(stem))
    assert [c.source for c in nb.cells[1:]] == [c.source for c in expected.cells]
    nbformat.validate(nb)
