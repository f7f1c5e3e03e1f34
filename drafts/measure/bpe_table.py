"""Measure: vocabulary size against mean sequence length, for characters, words and byte-level BPE, on one text.

    nice -n 10 .venv/bin/python drafts/measure/bpe_table.py

The text: the 7,600 AG News descriptions (chapter 1's corpus, seqgen.corpora.ag_news). BPE merges are learnt on the
first 90 % of the descriptions and lengths measured on the last 10 % (held out), so that unseen words count. Words:
chapter 2's pad_punctuation then a split on spaces; a held-out word outside the training vocabulary would be [UNK]
(the share is printed). Characters: Unicode code points; bytes: UTF-8.
"""

from __future__ import annotations

import re
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from seqgen import corpora  # noqa: E402
from solutions.bpe import BPETokenizer, learn_merges  # noqa: E402


def pad_punctuation(text):
    return re.sub(" +", " ", re.sub(f"([{re.escape(string.punctuation)}])", r" \1 ", text)).strip()


def main() -> None:
    texts = [item.description for item in corpora.ag_news()]
    cut = int(0.9 * len(texts))
    train, held = texts[:cut], texts[cut:]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    rows = []
    chars = sorted(set("".join(train)))
    rows.append(("characters", len(chars), mean([len(t) for t in held]), sum(c not in set(chars) for t in held for c in t)))
    rows.append(("bytes (UTF-8)", 256, mean([len(t.encode()) for t in held]), 0))
    vocab = set(w for t in train for w in pad_punctuation(t).split())
    held_words = [pad_punctuation(t).split() for t in held]
    unk = sum(w not in vocab for ws in held_words for w in ws)
    rows.append(("words (punctuation split off)", len(vocab) + 2, mean([len(ws) for ws in held_words]), unk))
    start = time.perf_counter()
    merges = learn_merges(train, 8000)
    learn_s = time.perf_counter() - start
    for n in (0, 250, 1000, 3000, 8000):
        if n > len(merges):
            continue
        tok = BPETokenizer(merges[:n])
        rows.append((f"BPE, {n} merges", tok.vocab_size, mean([len(tok.encode(t)) for t in held]), 0))
    n_words = sum(len(ws) for ws in held_words)
    print(f"{len(train)} training and {len(held)} held-out AG News descriptions; {len(merges)} merges learnt in {learn_s:.0f} s")
    print("| tokens | vocabulary | mean length (held out) | unknown tokens (held out) |")
    print("|---|---|---|---|")
    for name, v, length, unknown in rows:
        extra = f"{unknown} ({unknown / n_words:.1%} of words)" if "words" in name else str(unknown)
        print(f"| {name} | {v:,} | {length:.1f} | {extra} |")
    tok = BPETokenizer(merges[:3000])
    sample = held[0]
    print("\nexample:", sample[:80])
    print("BPE 3000:", " | ".join(tok.token(i) for i in tok.encode(sample[:80])))


if __name__ == "__main__":
    main()
