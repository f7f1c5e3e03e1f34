"""Hidden PyTorch/NumPy reference for every model and mechanism of the course.

Never shipped to students: hidden tests import it at grading time only, and the
book pipeline strips every mention of it from what readers see.
"""

import os

# OpenMP threads that wait by sleeping, not spinning. The OpenMP runtime reads this once, when torch
# loads (so it only helps where ``solutions`` is imported first, as in ``python -m solutions.train``;
# the Makefile exports it too). On a busy CPU, spinning threads of the small per-step ops of an RNN
# steal the cores from each other: benchmarks/char_gru.py trained chapter 3's GRU at about 2,000
# characters/s with the default, about 20,000 with this, under a load of 8 on 2 cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
