"""nbgrader course configuration. The course root is the folder this file is in
(``autograder/`` for the real course; tests copy it into temporary courses)."""

import os

c = get_config()  # noqa: F821 - provided by nbgrader

root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = root
c.CourseDirectory.course_id = "seqgen"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(root, "gradebook.db")

# What a cleared answer cell becomes in the student notebook.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Grading does not go through nbgrader (see autograder/batch.py); nbgrader only releases.

# Student notebooks are saved without outputs.
c.ClearOutput.enabled = True
