"""Experiment definitions run by ``python -m solutions.train NAME``."""
