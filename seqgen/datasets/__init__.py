"""Generated datasets owned by the course: seq2seq tasks, and quantised images (:mod:`.images`).

Each generator writes lines in the format of the files that *Deep Learning from
Scratch 2* ships (``dlfs2_addition``, ``dlfs2_date`` in :mod:`seqgen.data`): a
question padded with spaces, then ``_`` and the answer padded with spaces. Every
line of one task has the same length, so the trailing spaces are tokens: never
strip them.
"""

from .addition import addition_lines
from .dates import date_lines
from .format import CharVocab, encode, parse_line, parse_lines, read_pairs
from .images import ImageSet, model_inputs, quantised_images
from .translation import NARROW_NBSP, fra_eng_pairs

__all__ = ["ImageSet", "model_inputs", "quantised_images", "NARROW_NBSP", "CharVocab", "fra_eng_pairs", "addition_lines", "date_lines", "encode", "parse_line", "parse_lines", "read_pairs"]
