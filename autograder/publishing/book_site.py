"""A Sphinx extension for the course site (listed in ``_config.yml``).

It fixes what Jupyter Book 1 and its themes get wrong for this book, so that
every chapter, new ones included, gets the fixes without touching its source:

- math is typeset by MathJax 3 served from the site itself (the files come
  from the ``sphinx-mathjax-offline`` wheel), never from a CDN;
- Thebe's scripts are dropped (the book has no live kernels): they declared
  ``THEBE_JS_URL`` twice on every page and pointed at a CDN;
- the landing page's tab title is the course's name once, not twice;
- output images get alt text from their figure caption where a cell gave none;
- search excerpts are taken from the article only (not the menus), see
  ``_static/course.js``;
- the repository button and the launch buttons (Colab, Binder) appear only once
  ``repository.url`` of ``_config.yml`` is set (Jupyter Book would otherwise
  link its own repository): see :func:`repository_buttons`;
- the student files (notebooks, wheel, requirements, course pack) are also
  published at a stable address, ``<site>/student/``, where the notebooks'
  set-up cell and the deploy workflow find them;
- search shows excerpts when the site is opened from ``file://`` too: the
  browser refuses the requests for each result's page there, so the pages'
  text is written to ``_static/search-texts.js``, loaded by the search page
  only, and ``_static/course.js`` answers those requests from it.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from pathlib import Path

from docutils import nodes

# Jupyter Book 1's default repository.url: a book that sets none would link (and launch from) Jupyter Book's own.
JUPYTER_BOOK_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"
STUDENT_FOLDER = "student"  # in the site's source and in the built site
SEARCH_TEXTS = "search-texts.js"  # under _static/: each page's text, for search opened from file://
MATHJAX_DIST = "sphinx-mathjax-offline"
MATHJAX_ENTRY = "tex-chtml.js"
# What tex-chtml.js loads at run time for this book: its fonts and the TeX extensions it autoloads.
MATHJAX_PARTS = [MATHJAX_ENTRY, "output/chtml/fonts/woff-v2", "input/tex/extensions"]


def mathjax_folder() -> Path:
    """MathJax 3's files as the ``sphinx-mathjax-offline`` wheel installs them."""
    dist = importlib.metadata.distribution(MATHJAX_DIST)
    folder = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (folder / MATHJAX_ENTRY).is_file():
        raise FileNotFoundError(f"{folder / MATHJAX_ENTRY} is missing: reinstall {MATHJAX_DIST} (make setup)")
    return folder


def copy_mathjax(app, exception) -> None:
    """Put the MathJax files the pages load under ``_static/mathjax/``."""
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_folder(), Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def drop_thebe_and_duplicates(app, pagename, templatename, context, doctree) -> None:
    """Remove Thebe's scripts and any script included twice from the page."""
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body", "")
        key = (str(script), body)
        if "thebe" in str(script).lower() or "THEBE" in body or key in seen:
            continue
        seen.add(key)
        scripts.append(script)
    context["script_files"] = scripts


def single_landing_title(app, pagename, templatename, context, doctree) -> None:
    """The landing page's tab title once ("Sequence Models and Generation"), not twice with the site title."""
    if pagename == app.config.root_doc and context.get("title") == context.get("docstitle"):
        context["docstitle"] = ""  # the brand shows html_theme_options.logo.text instead


def alt_from_caption(app, doctree, docname) -> None:
    """Give each figure's images the caption's text as alt text where the cell set none (or a file name)."""
    for figure in doctree.findall(nodes.figure):
        captions = list(figure.findall(nodes.caption))
        if not captions:
            continue
        text = captions[0].astext().strip()
        for image in figure.findall(nodes.image):
            alt = image.get("alt", "")
            if not alt or alt == image.get("uri") or alt.endswith((".png", ".jpg", ".svg")):
                image["alt"] = text


def repository_buttons(app, config) -> None:
    """With ``repository.url`` set: the repository button and the launch buttons; without it: neither.

    The launch buttons (``launch_buttons`` of ``_config.yml``) open ``<repository.branch>/<path_to_book>/<page>.ipynb``
    of the repository: the branch the deploy workflow writes the student notebooks to.
    """
    options = config.html_theme_options
    url = str(options.get("repository_url") or "").strip().rstrip("/")
    if not url or url == JUPYTER_BOOK_DEFAULT_REPOSITORY:
        options.update(repository_url="", launch_buttons={}, use_repository_button=False,
                       use_issues_button=False, use_edit_page_button=False, use_source_button=False)
    else:
        options.update(repository_url=url, use_repository_button=True)


def publish_student_folder(app, exception) -> None:
    """Copy the source's ``student/`` (excluded from the pages) to ``<site>/student/``."""
    source = Path(app.srcdir) / STUDENT_FOLDER
    if exception is None and app.builder.format == "html" and source.is_dir():
        shutil.copytree(source, Path(app.outdir) / STUDENT_FOLDER, dirs_exist_ok=True)


def load_search_texts(app, pagename, templatename, context, doctree) -> None:
    """The search page (only) loads the pages' text."""
    if pagename == "search":
        app.add_js_file(SEARCH_TEXTS)


def write_search_texts(app, exception) -> None:
    """``_static/search-texts.js``: ``{page URL: its text}`` (raw HTML left out), for the excerpts of file:// search."""
    if exception is not None or app.builder.format != "html":
        return
    texts = {}
    for docname in sorted(app.env.found_docs):
        doctree = app.env.get_doctree(docname)
        for raw in list(doctree.findall(nodes.raw)):
            raw.parent.remove(raw)
        texts[app.builder.get_target_uri(docname)] = " ".join(doctree.astext().split())
    target = Path(app.outdir) / "_static" / SEARCH_TEXTS
    target.write_text(f"window.SEQGEN_SEARCH_TEXTS = {json.dumps(texts, ensure_ascii=False)};\n")


def setup(app):
    app.config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    app.connect("config-inited", repository_buttons, priority=400)  # before the theme reads the options
    app.connect("build-finished", publish_student_folder)
    app.connect("html-page-context", load_search_texts)
    app.connect("build-finished", write_search_texts)
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", drop_thebe_and_duplicates)
    app.connect("html-page-context", single_landing_title)
    app.connect("doctree-resolved", alt_from_caption)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
