"""Measure: BLEU and chrF (sacrebleu; nltk's corpus BLEU beside it) of chapter 5's English-French model,
beside its per-character validation accuracy, with the chapter's settings (Keras, CPU).

    nice -n 10 .venv/bin/python drafts/measure/bleu_fra_eng.py [--epochs 6] [--pairs 3000]

The model is chapter 5's `build_translation_models` (copied from the page's reference answer, since
this is a measurement, not a page). Decoding is greedy and *batched*: all validation sentences step
through the one-step decoder model together (one call per output position), which is what a chapter
cell should do (600 sentences one by one would cost a minute of Python).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from seqgen.datasets import fra_eng_pairs  # noqa: E402


def build_translation_models(source_vocab, target_vocab, embed_dim, latent_dim):
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    x = keras.layers.Embedding(source_vocab, embed_dim)(source)
    _, h, c = keras.layers.LSTM(latent_dim, return_state=True)(x)
    encoder_model = keras.Model(source, [h, c], name="encoder")
    decoder_input = keras.Input(shape=(None,), dtype="int32", name="decoder_input")
    target_embedding = keras.layers.Embedding(target_vocab, embed_dim)
    decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    head = keras.layers.Dense(target_vocab, activation="softmax")
    y, _, _ = decoder_lstm(target_embedding(decoder_input), initial_state=[h, c])
    model = keras.Model([source, decoder_input], head(y), name="seq2seq")
    h_in, c_in = keras.Input(shape=(latent_dim,), name="h"), keras.Input(shape=(latent_dim,), name="c")
    y, h_out, c_out = decoder_lstm(target_embedding(decoder_input), initial_state=[h_in, c_in])
    decoder_model = keras.Model([decoder_input, h_in, c_in], [head(y), h_out, c_out], name="decoder_step")
    return model, encoder_model, decoder_model


def encode_texts(texts, index):
    ids = np.zeros((len(texts), max(map(len, texts))), dtype="int32")
    for n, text in enumerate(texts):
        ids[n, : len(text)] = [index[c] for c in text]
    return ids


def batch_greedy(encoder_model, decoder_model, source_ids, start_id, stop_id, max_len):
    """Greedy decoding of every row at once: (N,) lists of ids, each cut at its first stop id."""
    h, c = (keras.ops.convert_to_numpy(s) for s in encoder_model.predict_on_batch(source_ids))
    token = np.full((len(source_ids), 1), start_id)
    out = np.zeros((len(source_ids), max_len), dtype=np.int64)
    for t in range(max_len):
        probs, h, c = (keras.ops.convert_to_numpy(a) for a in decoder_model.predict_on_batch([token, h, c]))
        token = probs[:, -1].argmax(-1)[:, None]
        out[:, t] = token[:, 0]
    rows = []
    for row in out:
        row = list(row)
        rows.append(row[: row.index(stop_id)] if stop_id in row else row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--latent", type=int, default=128)
    args = ap.parse_args()
    keras.utils.set_random_seed(0)
    pairs = fra_eng_pairs(args.pairs)
    START, STOP = "\t", "\n"
    source_texts = [en for en, _ in pairs]
    target_texts = [START + fr + STOP for _, fr in pairs]
    source_chars = [""] + sorted(set("".join(source_texts)))
    target_chars = [""] + sorted(set("".join(target_texts)))
    source_index = {c: i for i, c in enumerate(source_chars)}
    target_index = {c: i for i, c in enumerate(target_chars)}
    source_ids, target_ids = encode_texts(source_texts, source_index), encode_texts(target_texts, target_index)
    din, dtgt = target_ids[:, :-1], target_ids[:, 1:]
    weights = (dtgt != 0).astype("float32")
    model, enc, dec = build_translation_models(len(source_chars), len(target_chars), 32, args.latent)
    model.compile(optimizer=keras.optimizers.RMSprop(3e-3), loss=keras.losses.SparseCategoricalCrossentropy(),
                  weighted_metrics=["accuracy"])
    start = time.perf_counter()
    hist = model.fit([source_ids, din], dtgt, sample_weight=weights, batch_size=64, epochs=args.epochs,
                     validation_split=0.2, verbose=0)
    train_s = time.perf_counter() - start
    n_train = int(len(pairs) * 0.8)
    val_src = source_ids[n_train:]
    references = [fr for _, fr in pairs[n_train:]]
    start = time.perf_counter()
    hyp_ids = batch_greedy(enc, dec, val_src, target_index[START], target_index[STOP], 40)
    hypotheses = ["".join(target_chars[i] for i in row) for row in hyp_ids]
    decode_s = time.perf_counter() - start

    import sacrebleu
    from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu

    start = time.perf_counter()
    metric = sacrebleu.metrics.BLEU()
    bleu = metric.corpus_score(hypotheses, [references])
    every = {}
    for en, fr in fra_eng_pairs(None):  # every French translation the file gives for an English sentence
        every.setdefault(en, []).append(fr)
    multi = [every[en] for en, _ in pairs[n_train:]]
    width = max(map(len, multi))
    streams = [[refs[k] if k < len(refs) else None for refs in multi] for k in range(width)]
    bleu_multi = sacrebleu.corpus_bleu(hypotheses, streams)
    chrf = sacrebleu.corpus_chrf(hypotheses, [references])
    score_s = time.perf_counter() - start
    tok = sacrebleu.tokenizers.tokenizer_13a.Tokenizer13a()
    nltk_bleu = corpus_bleu([[tok(r).split()] for r in references], [tok(h).split() for h in hypotheses],
                            smoothing_function=SmoothingFunction().method1)
    exact = np.mean([h == r for h, r in zip(hypotheses, references)])
    print(f"settings: {len(pairs)} pairs, latent {args.latent}, embed 32, batch 64, RMSprop 3e-3, {args.epochs} epochs")
    print("val accuracy per character by epoch:", [round(a, 3) for a in hist.history["val_accuracy"]])
    print(f"train {train_s:.0f} s; batched greedy decoding of {len(val_src)} sentences {decode_s:.1f} s; "
          f"scoring {score_s * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}")
    print(f"sacrebleu BLEU {bleu.score:.2f} ({bleu}); chrF {chrf.score:.2f}; nltk corpus BLEU (13a tokens, smoothing 1) "
          f"{100 * nltk_bleu:.2f}; exact sentences {exact:.1%}")
    print(f"multi-reference BLEU (every French translation of the sentence in the file, up to {width}): "
          f"{bleu_multi.score:.2f} ({bleu_multi}); sacrebleu signature {metric.get_signature()}")
    for h, r, (en, _) in list(zip(hypotheses, references, pairs[n_train:]))[::120][:5]:
        print(f"  {en!r} -> {h!r} (reference {r!r})")


if __name__ == "__main__":
    main()
