"""The grading wing: grade submissions in sandboxed kernels with the chapters' hidden checks.

Floors, bottom up (a module imports only from floors below it, and from :mod:`autograder.course`):

- :mod:`~autograder.grading.wire` (plain data between grader and kernel), :mod:`~autograder.grading.sandbox`
  (bubblewrap, limits, the kernel process);
- :mod:`~autograder.grading.checks` (what a checks module imports), :mod:`~autograder.grading.feedback`;
- :mod:`~autograder.grading.local` (a chapter in process), :mod:`~autograder.grading.kernel` (the sandboxed
  kernel as a check sees it), :mod:`~autograder.grading.record` (the typed record and its one writer),
  :mod:`~autograder.grading.view` (a chapter as the grader sees it, built once per process);
- :mod:`~autograder.grading.submission` (one notebook), :mod:`~autograder.grading.csvs`;
- :mod:`~autograder.grading.batch` (a class, in parallel; ``grade_one``).

It never imports the publishing wing, nor the publishing wing it.
"""
