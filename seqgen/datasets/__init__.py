"""Datasets in the course's own shapes: generated seq2seq tasks, quantised images (:mod:`.images`),
chapter 3's Shakespeare characters (:mod:`.shakespeare`) and the wine reviews as word ids (:mod:`.wine`).

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
from .shakespeare import CharSplit, char_split, shakespeare_chars
from .translation import NARROW_NBSP, fra_eng_pairs
from .wine import WineData, wine_review_data

__all__ = ["CharSplit", "char_split", "shakespeare_chars", "WineData", "wine_review_data", "ImageSet", "model_inputs", "quantised_images", "NARROW_NBSP", "CharVocab", "fra_eng_pairs", "addition_lines", "date_lines", "encode", "parse_line", "parse_lines", "read_pairs"]
