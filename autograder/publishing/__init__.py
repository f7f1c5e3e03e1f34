"""The publishing wing: the book's site and the student notebooks, made from the chapters.

Floors, bottom up (a module imports only from floors below it, and from :mod:`autograder.course`):

- :mod:`~autograder.publishing.student_setup` (the set-up cell first in each student notebook, the site's address),
  :mod:`~autograder.publishing.serve` (``make serve``);
- :mod:`~autograder.publishing.pack` (the version a build names, the course pack, the site's config stamped with both);
- :mod:`~autograder.publishing.pages` (the box under a chapter's title, the exercises page, the toc, the
  wheel), :mod:`~autograder.publishing.book_site` (the Sphinx extension: also the launch buttons), :mod:`~autograder.publishing.execute`
  (chapters executed, cached by what they import), :mod:`~autograder.publishing.release` (student notebooks,
  with nbgrader's preprocessors in process);
- :mod:`~autograder.publishing.render` (a chapter's page);
- :mod:`~autograder.publishing.results` and :mod:`~autograder.publishing.results_page` (the committed full-preset runs
  beside the sources' figures, which each experiment module declares);
- :mod:`~autograder.publishing.build` (``make book``: all of it, then Jupyter Book, redone only when an input changed).

It never loads a chapter's hidden checks, and never imports the grading wing, nor the grading wing it.
"""
