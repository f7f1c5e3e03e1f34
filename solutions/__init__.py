"""Hidden PyTorch/NumPy reference for every model and mechanism of the course.

Never shipped to students: hidden tests import it at grading time only, and the
book pipeline strips every mention of it from what readers see.
"""
