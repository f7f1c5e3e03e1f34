"""Collection order for the in-process proofs of the hidden checks."""

from __future__ import annotations


def pytest_collection_modifyitems(items):
    """Run tests/autograder/grading/test_mutants.py chapter by chapter.

    Each chapter is an xdist group of its own (its in-process ``LocalKernel`` is built once, by the
    worker that runs the chapter); in a run without xdist, this order keeps each chapter's tests together.
    """
    where = [i for i, item in enumerate(items) if item.path.name == "test_mutants.py"]
    chosen = sorted((items[i] for i in where), key=lambda item: getattr(item, "callspec", None) and item.callspec.params.get("stem", "") or "")
    for i, item in zip(where, chosen):
        items[i] = item
