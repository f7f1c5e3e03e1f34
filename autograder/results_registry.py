"""The sources' headline figures, beside which the results page puts ours.

One entry per experiment of ``solutions/experiments`` (the figures of
``../shared/COURSE.md``'s "Headline results" table, with their citations). An
entry names the chapter, the source's settings and figure, and the metrics to
read from a run's ``result.json``: each with the source's value (``None`` where
the source reports samples only), our bar and how the bar is judged. An
experiment without an entry still gets a section on the page (its float results,
no bar), so a new experiment needs no code here to be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

Bar = float | Callable[[dict], float] | None


@dataclass(frozen=True)
class Metric:
    """One figure read from a run's ``result`` dict.

    ``value(result)`` picks it (a KeyError or IndexError means the run does not
    have it); ``bar`` is a number, or a function of the run's result (a baseline
    computed in the same run), or ``None`` (report only). ``every_seed``: the bar
    must hold in every seed (else it is judged on the mean over seeds), and
    ``min_seeds`` is how many seeds the bar asks for.
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
    """What an experiment reproduces and where it comes from."""

    title: str
    chapter: str | None  # the chapter stem that teaches it
    citation: str
    settings: str
    figure: str  # the source's result, in words
    bar: str  # our bar, in words
    metrics: tuple[Metric, ...] = field(default_factory=tuple)
    needs: str = ""  # what a full run needs beyond a laptop, said where it has not been run


def key(name: str) -> Callable[[dict], float]:
    """A top-level field of the result."""
    return lambda result: float(result[name])


def at_epoch(series: str, epoch: int) -> Callable[[dict], float]:
    """``result["history"][series]`` after ``epoch`` (counted from 1); a run with fewer epochs lacks it."""
    return lambda result: float(result["history"][series][epoch - 1])


DLFS2 = "Koki Saito, *Deep Learning from Scratch 2* (O'Reilly Japan, 2018)"
HOML = "Aurélien Géron, *Hands-On Machine Learning with Scikit-Learn, Keras and TensorFlow*, 2nd ed. (O'Reilly, 2019)"
GDL2 = "David Foster, *Generative Deep Learning*, 2nd ed. (O'Reilly, 2023)"
KERAS_S2S = "François Chollet, \"Character-level recurrent sequence-to-sequence model\", keras.io examples (2017)"
NANOGPT = "Andrej Karpathy, nanoGPT, github.com/karpathy/nanoGPT (2023), `shakespeare_char` configuration"

SOURCES: dict[str, Source] = {
    "lstm_lm": Source(
        "LSTM language model on recipes", "01_lstm_intro", f"{GDL2}, ch. 5",
        "Epicurious recipes, vocabulary 10k, length 200, embedding 100, LSTM 128, batch 32, 25 epochs",
        "samples only", "report validation perplexity",
        (Metric("validation perplexity", key("val_perplexity"), higher_is_better=False),),
        needs="the full Epicurious file (Kaggle \"epirecipes\", about 35 MB; the course's offline data mirror has only "
              "its first 29 recipes)"),
    "charrnn": Source(
        "Char-RNN on Shakespeare", "03_char_rnn", f"{HOML}, ch. 16",
        "every window of 100 characters (shift 1), embedding 16, GRU 128 x2, batch 32, 10 epochs",
        "validation accuracy 0.551", "validation accuracy at least 0.56",
        (Metric("validation accuracy", key("val_accuracy"), source=0.551, bar=0.56),),
        needs="a GPU: with a window starting at every character an epoch is about 110 million characters, "
              "a hundred times the stateful model's"),
    "stateful_charrnn": Source(
        "Stateful Char-RNN on Shakespeare", "04_stateful_rnn", f"{HOML}, ch. 16",
        "windows of 100 without overlap, kept state across batches, GRU 128 x2, batch 32, 10 epochs",
        "validation accuracy 0.542", "validation accuracy at least 0.56 (the Char-RNN row's bar)",
        (Metric("validation accuracy", key("val_accuracy"), source=0.542, bar=0.56),)),
    "char_seq2seq": Source(
        "Character seq2seq, English to French", "05_seq2seq", KERAS_S2S,
        "10k pairs, latent 256, batch 64, up to 100 epochs, RMSprop (ours: Adam, early stopping)",
        "per-character validation accuracy 0.873, padding counted (overfits after epoch 25)",
        "at least 0.873 with early stopping",
        (Metric("char accuracy, padding counted (the tutorial's measure)", key("val_char_accuracy_padded"),
                source=0.873, bar=0.873),
         Metric("char accuracy, real characters only", key("val_char_accuracy")),
         Metric("epochs run (early stopping keeps the best)", key("epochs_run")))),
    "seq2seq": Source(
        "seq2seq on addition: baseline, reverse, Peeky", "06_peeky_reverse", f"{DLFS2}, ch. 7 (figures 7-23, 7-24, 7-28)",
        "45k/5k split of 50k problems, wordvec 16, hidden 128, batch 128, 25 epochs, Adam, gradient clip 5",
        "exact match about 10% (baseline), 50% (reversed), 99% (reversed + Peeky)",
        "each variant at least the book's figure (mean over seeds), hence the same ordering",
        (Metric("baseline exact match", key("baseline_exact_match"), source=0.10, bar=0.10, percent=True),
         Metric("reverse exact match", key("reverse_exact_match"), source=0.50, bar=0.50, percent=True),
         Metric("reverse + Peeky exact match", key("reverse+peeky_exact_match"), source=0.99, bar=0.99, percent=True))),
    "attention_seq2seq": Source(
        "Attention seq2seq on dates", "07_attention", f"{DLFS2}, ch. 8",
        "50k dates (45k/5k), input reversed, wordvec 16, hidden 256, batch 128, 10 epochs, Adam 1e-3, clip 5",
        "close to 100% after 2 epochs; a public run of the book's code logs 99.9% after epoch 3",
        "at least 99.9% exact match on the 5,000 held-out dates by epoch 3, in each of 3 seeds",
        (Metric("attention exact match after epoch 3", at_epoch("attention", 3), source=0.999, bar=0.999,
                percent=True, every_seed=True, min_seeds=3),
         Metric("attention exact match, last epoch", key("attention_exact_match"), percent=True))),
    "pixelcnn": Source(
        "PixelCNN on Fashion-MNIST", "08_pixelcnn", f"{GDL2}, ch. 5",
        "Fashion-MNIST 16x16, 4 levels, 128 filters, 5 residual blocks, Adam 5e-4, batch 128, 150 epochs",
        "samples only",
        "held-out bits/dim below both count baselines of the same split (about 1.37 and 0.58)",
        (Metric("held-out bits/dim", key("val_bits_per_dim"), bar=key("neighbour_bits"), higher_is_better=False),
         Metric("independent-position baseline", key("independent_bits"), higher_is_better=False),
         Metric("4-neighbour count baseline", key("neighbour_bits"), higher_is_better=False)),
        needs="a GPU (150 epochs of the 128-filter network) and Fashion-MNIST, which the offline data mirror lacks "
              "(without it the run trains on scikit-learn's digits and records so)"),
    "gpt_wine": Source(
        "GPT on wine reviews", "09_transformer", f"{GDL2}, ch. 9",
        "130k wine reviews, vocabulary 10k, length 80, width 256, 2 heads, 1 block, 5 epochs",
        "samples only (its loss counts padding tokens)", "report validation perplexity with padding masked",
        (Metric("validation perplexity", key("val_perplexity"), higher_is_better=False),),
        needs="the full 130k wine reviews (Kaggle; the course's offline data mirror has a 5,000-review subset)"),
    "gpt_shakespeare_char": Source(
        "GPT on Shakespeare characters", "09_transformer", NANOGPT,
        "6 layers, 6 heads, width 384, context 256, batch 64, dropout 0.2, lr 1e-3 to 1e-4, 5,000 iterations",
        "validation loss 1.47 nats/char (one A100, about 3 min)", "validation loss at most 1.47",
        (Metric("validation loss (nats/char)", key("val_loss"), source=1.47, bar=1.47, higher_is_better=False),
         Metric("best validation loss (nats/char)", key("best_val_loss"), higher_is_better=False)),
        needs="a GPU (5,000 iterations of a 6-layer, 384-wide model with a context of 256)"),
}
