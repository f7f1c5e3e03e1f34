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
  ``_static/course.js``.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

from docutils import nodes

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


def setup(app):
    app.config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", drop_thebe_and_duplicates)
    app.connect("html-page-context", single_landing_title)
    app.connect("doctree-resolved", alt_from_caption)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
