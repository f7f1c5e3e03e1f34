"""What an experiment reproduces: its source's figures with their provenance, and how ours are judged.

Each module of ``solutions/experiments`` declares, beside its presets::

    CHAPTER = "03_char_rnn"                      # the chapter that teaches it (book/<stem>/<stem>.md)
    MIRRORS = {"N_STEPS": "n_steps", ...}        # chapter constant -> field of the cpu preset (or a function of it)
    SOURCE = Source(...)                         # the source's figure(s), edition, notebook or page, settings, measure
    DATA = {"cpu": ("tinyshakespeare",), ...}    # the seqgen.data files each preset reads

The Results page, the README's tables and the chapters read these declarations (never a
second registry); ``tests/book/test_chapters.py`` holds every cpu preset to its chapter's constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

Bar = float | Callable[[dict], float] | None


@dataclass(frozen=True)
class Metric:
    """One figure read from a run's ``result`` dict.

    ``value(result)`` picks it (a KeyError or IndexError means the run does not have it);
    ``source`` is the source's own value (``None``: the source reports samples only); ``bar`` is a
    number, a function of the run's result (a baseline computed in the same run), or ``None``
    (report only). ``every_seed``: the bar must hold in every seed (else it is judged on the mean
    over seeds), and ``min_seeds`` is how many seeds the bar asks for.
    """

    label: str
    value: Callable[[dict], float]
    source: float | None = None
    bar: Bar = None
    higher_is_better: bool = True
    percent: bool = False
    every_seed: bool = False
    min_seeds: int = 1


@dataclass(frozen=True)
class Source:
    """The source an experiment's full preset reproduces, and where each of its figures comes from.

    ``citation``: author, title, edition, publisher, year. ``where``: the notebook, page, figure or
    log that shows the figure (checked against the public copy, with what was read). ``settings``: the
    source's own settings. ``measure``: what the figure measures and over what (per character, padding
    counted or not, which split, which epoch). ``differs``: what the full preset does differently, and why.
    """

    title: str
    citation: str
    where: str
    settings: str
    figure: str  # the source's result, in words
    measure: str
    bar: str  # our bar, in words
    metrics: tuple[Metric, ...] = field(default_factory=tuple)
    differs: str = ""
    tried: str = ""  # where ours stays below the source after a faithful run: what was tried, what moved it
    needs: str = ""  # what a full run needs beyond this machine (data, a GPU), said where it has not been run
    variants: dict[str, str] = field(default_factory=dict)  # other reported presets -> what they are


def key(name: str) -> Callable[[dict], float]:
    """A top-level field of the result."""
    return lambda result: float(result[name])


def at_epoch(series: str, epoch: int) -> Callable[[dict], float]:
    """``result["history"][series]`` after ``epoch`` (counted from 1); a run with fewer epochs lacks it."""
    return lambda result: float(result["history"][series][epoch - 1])


DLFS2 = ("Koki Saitoh, *Deep Learning from Scratch 2: Natural Language Processing* (ゼロから作るDeep Learning ❷, "
         "O'Reilly Japan, 2018; Korean translation 밑바닥부터 시작하는 딥러닝 2, Hanbit Media, 2019)")
DLFS2_CODE = "github.com/oreilly-japan/deep-learning-from-scratch-2"
HOML3 = ("Aurélien Géron, *Hands-On Machine Learning with Scikit-Learn, Keras and TensorFlow*, 3rd ed. "
         "(O'Reilly, 2022), ch. 16")
HOML3_NOTEBOOK = "github.com/ageron/handson-ml3, `16_nlp_with_rnns_and_attention.ipynb`"
GDL2 = "David Foster, *Generative Deep Learning*, 2nd ed. (O'Reilly, 2023)"
KERAS_S2S = ("François Chollet, \"Character-level recurrent sequence-to-sequence model\", keras.io code examples "
             "(created 2017-09-29; the page's logged run: last modified 2020-04-26)")
GDL2_CODE = "github.com/davidADSP/Generative_Deep_Learning_2nd_Edition"
NANOGPT = "Andrej Karpathy, nanoGPT, github.com/karpathy/nanoGPT (2023)"
