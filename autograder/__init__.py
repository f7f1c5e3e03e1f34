"""Instructor tools: chapter pipeline, nbgrader course, Keras->torch transplant."""
