"""The book build: execute, release, render, pages, results."""
