"""Collection order for the in-process proofs of the hidden checks."""

from __future__ import annotations


def pytest_collection_modifyitems(items):
    """Run tests/autograder/test_mutants.py chapter by chapter.

    Its in-process kernels (``LocalKernel``) share IPython's one shell, whose namespace each
    chapter's run clears; grouped by chapter, each chapter runs once (test_mutants.py keeps only
    the latest chapter's kernel, so any other order is still right, only slower).
    """
    where = [i for i, item in enumerate(items) if item.path.name == "test_mutants.py"]
    chosen = sorted((items[i] for i in where), key=lambda item: getattr(item, "callspec", None) and item.callspec.params.get("stem", "") or "")
    for i, item in zip(where, chosen):
        items[i] = item
