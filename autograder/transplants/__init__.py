"""Keras models described as plain data in the student's kernel, rebuilt checker-side as the torch reference.

- :mod:`~autograder.transplants.describe`: the code that runs in the kernel (``DESCRIBE_SOURCE`` for
  models, ``BLOCK_DESCRIBE_SOURCE`` for a subclassed layer), from one set of kernel-side helpers;
- :mod:`~autograder.transplants.layers`: one form for the spellings of an architecture, and the weights
  copied layer by layer (Keras -> torch layouts);
- :mod:`~autograder.transplants.recurrent` (chapters 1, 3-5), :mod:`~autograder.transplants.attention`
  (chapter 7), :mod:`~autograder.transplants.conv` (chapter 8), :mod:`~autograder.transplants.transformer`
  (chapter 9): the reference models built from descriptions.

Imported by the chapters' checks modules only; nothing here imports the grading or publishing wings.
"""
