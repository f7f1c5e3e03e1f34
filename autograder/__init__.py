"""Instructor tools: the chapters (course.py), grading (grading/), publishing (publishing/), transplants (transplants/)."""
