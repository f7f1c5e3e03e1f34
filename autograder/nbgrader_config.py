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

# Autograding: every cell runs even after an error (a stub must not stop the
# grader); one cell may take at most 5 minutes; long outputs are cut.
c.Execute.timeout = 300
c.Execute.allow_errors = True
c.Execute.interrupt_on_timeout = True
c.LimitOutput.max_lines = 200

# Student notebooks are saved without outputs.
c.ClearOutput.enabled = True
