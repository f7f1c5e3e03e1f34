"""The set-up cell a release puts first in each student notebook, and where the course site is.

Opened where ``seqgen`` cannot be imported (Colab from a page's launch button, Binder, a fresh kernel), the cell
installs the course's wheel and its pinned student requirements from the published site
(``<site>/student/``, where :mod:`autograder.publishing.book_site` puts them) and says what it did. Where
``seqgen`` imports (the student setup of the landing page, the grader's sandbox) it does nothing, and the
grader drops it from submissions anyway (it carries :data:`autograder.course.SETUP_TAG`).

The site's address is ``html.baseurl`` of ``_config.yml``, else ``$SEQGEN_SITE_URL`` (the deploy workflow sets it
from GitHub Pages); while neither is set, the cell says how to install the two files by hand instead.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import nbformat
import yaml

from ..course import ROOT, SETUP_TAG
from .pages import STUDENT_REQUIREMENTS

SITE_URL_ENV = "SEQGEN_SITE_URL"
STUDENT_FOLDER = "student"  # the site's folder holding the student notebooks, the wheel, the requirements and the pack
COURSE_PYTHON = (3, 11)  # what the course pins (pyproject's requires-python)

# The cell's source: plain Python (it runs in any kernel), one function so that it leaves no names behind.
TEMPLATE = '''#@title Course setup: run this cell first
# Where `seqgen` is missing (Colab, Binder, a fresh kernel), this installs
# the course's package and its pinned requirements from the course site.
# In the course's own setup it does nothing. The grader skips this cell.
def _course_setup(site={site!r},
                  wheel={wheel!r},
                  requirements={requirements!r}):
    import importlib, importlib.util, subprocess, sys
    if importlib.util.find_spec("seqgen") is not None:
        return
    if not site:
        raise ModuleNotFoundError(
            "seqgen, the course's package, is not installed, and this "
            "notebook does not know the course site. Follow the Student "
            f"setup of the course's landing page: download {{wheel}} and "
            f"{{requirements}}, then run `pip install -r {{requirements}} "
            f"{{wheel}}` in this notebook's environment.")
    folder = site.rstrip("/") + "/{student}/"
    loaded = [m for m in ("numpy", "matplotlib", "tensorflow", "keras")
              if m in sys.modules]
    same = sys.version_info[:2] == {python}
    extra = [] if same else ["--ignore-requires-python"]
    print(f"seqgen is missing: installing {{wheel}} and {{requirements}} "
          f"from {{folder}} ...", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", *extra,
         "--disable-pip-version-check", "--progress-bar", "off",
         "-r", folder + requirements, folder + wheel],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("pip could not install the course's packages "
                           f"from {{folder}}:\\n{{done.stderr[-2000:]}}")
    importlib.invalidate_caches()
    import seqgen
    lines = done.stdout.splitlines()
    new = [x for x in lines if x.startswith("Successfully installed")]
    print(f"seqgen {{seqgen.__version__}} is ready. "
          + (new[-1] if new else "Nothing else was needed") + ".")
    if not same:
        print("Note: the course is tested on Python {python_text}; this "
              f"kernel runs {{sys.version.split()[0]}}.")
    changed = [m for m in loaded if new and m in new[-1]]
    if changed:
        print(f"{{', '.join(changed)}} changed after it was imported: "
              "restart the kernel (Colab: Runtime > Restart session), "
              "then run the notebook from the top.")
_course_setup()
del _course_setup
'''


def book_config(root: Path | None = None) -> dict:
    """``_config.yml`` as read (empty where there is none)."""
    path = Path(root or ROOT) / "_config.yml"
    return (yaml.safe_load(path.read_text()) or {}) if path.is_file() else {}


def site_url(root: Path | None = None) -> str | None:
    """The published site's address, ending in ``/``: ``html.baseurl`` of ``_config.yml``, else ``$SEQGEN_SITE_URL``."""
    url = (book_config(root).get("html") or {}).get("baseurl") or os.environ.get(SITE_URL_ENV, "")
    url = str(url).strip()
    return url.rstrip("/") + "/" if url else None


def wheel_name(root: Path | None = None) -> str:
    """The file name of the course's wheel, from ``pyproject.toml`` (a pure-Python wheel)."""
    project = tomllib.loads((Path(root or ROOT) / "pyproject.toml").read_text())["project"]
    return f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


def setup_source(root: Path | None = None, site: str | None = None) -> str:
    """The set-up cell's source for the site at ``site`` (default: :func:`site_url`) and this checkout's wheel."""
    return TEMPLATE.format(site=site or site_url(root), wheel=wheel_name(root), requirements=STUDENT_REQUIREMENTS,
                           student=STUDENT_FOLDER, python=COURSE_PYTHON,
                           python_text=".".join(map(str, COURSE_PYTHON)))


def setup_cell(root: Path | None = None) -> nbformat.NotebookNode:
    """The cell, tagged for the grader and shown in Colab as a titled form."""
    cell = nbformat.v4.new_code_cell(setup_source(root))
    cell.id = SETUP_TAG  # a fixed id: the same release twice is the same file
    cell.metadata.update({"tags": [SETUP_TAG], "cellView": "form"})
    return cell


def with_setup_cell(nb: nbformat.NotebookNode, root: Path | None = None) -> nbformat.NotebookNode:
    """``nb`` with the set-up cell first (in place)."""
    nb.cells.insert(0, setup_cell(root))
    return nb
