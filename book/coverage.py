"""Every section of the five source notes -> the chapter section that teaches it, or why the course does not.

The data of the table in the book's introduction (``book/intro.md``, between the ``coverage`` markers):
``python book/coverage.py`` writes the table there from :data:`ROWS`, and ``tests/book/test_coverage.py``
fails when the page and the data differ, when a cited heading is missing from its chapter, or when a
section the notes number themselves (read from the notes in ``shared/seeds``) has no row.

A row: ``(note, section, topic, status, where, text)``

- ``"covered"``: ``where`` lists the ``(chapter stem, heading)`` pairs that teach it, ``text`` is empty;
- ``"partly"``: ``where`` as above, and ``text`` says what is left out and why;
- ``"omitted"``: ``where`` is empty and ``text`` is the reason, in a sentence.

:data:`SECTIONS` is the course map of the notes: every note's sections in order, each once.
"""

from __future__ import annotations

from pathlib import Path

NOTES = {
    "000": "Generative Deep Learning, 2nd ed., ch. 5 (and the PixelCNN and GPT code of its chapter, as the notes give it)",
    "001": "Char-level news-title generator (TensorFlow, AG News)",
    "002": "Hands-On Machine Learning, 2nd ed., ch. 16",
    "003": "A ten-minute introduction to sequence-to-sequence learning in Keras",
    "004": "Deep Learning from Scratch 2, ch. 7-8",
}

C, P, O = "covered", "partly", "omitted"
L1, L2, L3, L4 = "01_lstm_intro", "02_tokenization", "03_char_rnn", "04_stateful_rnn"
L5, L6, L7, L8, L9 = "05_seq2seq", "06_peeky_reverse", "07_attention", "08_pixelcnn", "09_transformer"
L10 = "10_encoder_decoder"

ROWS = [
    # ---------------------------------------------------------------- 000: GDL2 ch. 5 (and its PixelCNN and GPT code)
    ("000", "5.1", "The LSTM told as a story: a cell of opinions kept, forgotten and voiced at every word", C,
     [(L1, "The LSTM cell")], ""),
    ("000", "5.2", "Recurrent layers; the tanh cell", C, [(L1, "Why plain recurrent cells forget")], ""),
    ("000", "5.2-vanishing", "Vanishing gradients: a product of derivatives below one", C,
     [(L1, "Why plain recurrent cells forget")], ""),
    ("000", "5.2.1", "The Epicurious recipe data set, filtered to title and directions", P, [(L1, "Data: news descriptions as word tokens")],
     "Used when the Kaggle file is present; the default corpus is AG News descriptions (the recipes file cannot be fetched "
     "without a Kaggle account); said on the page."),
    ("000", "5.2.2", "Text versus images: discrete tokens, no gradient through a word, one time axis, sensitivity to "
     "small changes, grammar", C, [(L1, "Text is not an image")], ""),
    ("000", "5.2.3-punctuation", "Tokenization: punctuation padded into tokens", C, [(L2, "Exercise 1: pad punctuation")], ""),
    ("000", "5.2.3-vectorization", "TextVectorization: lower case, a 10,000-word vocabulary, fixed length", C,
     [(L1, "Data: news descriptions as word tokens"), (L2, "A word vocabulary: padding and out-of-vocabulary ids")], ""),
    ("000", "5.2.3-shift", "Inputs and targets shifted by one token", C, [(L2, "Exercise 4: inputs, targets and loss weights")], ""),
    ("000", "5.2.4", "The LSTM model: Embedding, LSTM(return_sequences), Dense softmax", C,
     [(L1, "Exercise 2: the Keras language model")], ""),
    ("000", "5.2.5", "Training with sparse categorical cross-entropy", C, [(L1, "Training")], ""),
    ("000", "5.2.6", "The TextGenerator callback: temperature sampling, a sample every epoch, stop at the pad token", C,
     [(L1, "Exercise 3: reweight a distribution"), (L1, "Exercise 4: draw the next token"), (L1, "Generating text")], ""),
    ("000", "5.2.7", "Stacked recurrent layers (two LSTMs)", C, [(L1, "Model"), (L3, "The model: stacked GRUs")],
     ""),
    ("000", "5.3-mask", "PixelCNN masked convolution, types A and B", C,
     [(L8, "Exercise 1: the mask builder"), (L8, "Exercise 2: `MaskedConv2D`")], ""),
    ("000", "5.3-residual", "PixelCNN residual block (1x1, masked 3x3, 1x1, skip)", C, [(L8, "Exercise 3: `ResidualBlock`")], ""),
    ("000", "5.3-model", "The PixelCNN model and its training (4 levels, Adam)", C,
     [(L8, "The whole network"), (L8, "Training, with a grid of samples after each epoch")], ""),
    ("000", "5.3-sampling", "Pixel-by-pixel sampling with a temperature (ImageGenerator callback)", C,
     [(L8, "Exercise 4: the sampling loop"), (L8, "Temperature")], ""),
    ("000", "5.3-mixture", "TensorFlow Probability's PixelCNN: a mixture of logistics", P,
     [(L8, "The library version: a mixture of logistics")],
     "Explained and drawn, not trained: TFP needs tf-keras and a second TensorFlow beside the pinned tensorflow-cpu (said on the page)."),
    ("000", "9-mha", "MultiHeadAttention's parameters (heads, key_dim, value_dim, output_shape)", C,
     [(L9, "Multi-head attention"), (L9, "Exercise 4: `multi_head_attention`")], ""),
    ("000", "9-causal", "causal_attention_mask", C, [(L9, "Exercise 1: `causal_attention_mask`")], ""),
    ("000", "9-block", "TransformerBlock, post-norm with dropout", C, [(L9, "Exercise 6: `TransformerBlock`")], ""),
    ("000", "9-embedding", "TokenAndPositionEmbedding (learned positions)", C, [(L9, "Exercise 5: `TokenAndPositionEmbedding`")], ""),
    ("000", "9-gpt", "The GPT on wine reviews; attention scores returned for inspection", C,
     [(L9, "A GPT on wine reviews"), (L9, "What the model is looking at")], ""),
    # ---------------------------------------------------------------- 001: char-level news titles
    ("001", "intro", "Generative RNNs: an output at every step (return_sequences)", C, [(L3, "The model: stacked GRUs")], ""),
    ("001", "data", "AG News loaded through tensorflow_datasets", C, [(L3, "A second corpus: news titles that end")],
     ""),
    ("001", "char-vocab", "A character vocabulary with Keras's Tokenizer(char_level=True)", C,
     [(L2, "Characters: a tokenizer with `<eos>`")], ""),
    ("001", "eos", "An end-of-sequence token added to the vocabulary", C, [(L2, "Exercise 2: a character tokenizer")], ""),
    ("001", "title-batch", "Batches: pad_sequences, one-hot inputs, targets shifted and ended with <eos>", C,
     [(L2, "Exercise 3: pad a batch and build its mask"), (L2, "Exercise 4: inputs, targets and loss weights")], ""),
    ("001", "py-function", "tf.py_function and Dataset.map: Python code inside a TensorFlow pipeline", O, [],
     "The course feeds NumPy arrays to fit (every corpus fits in memory), so no tf.data pipeline needs a Python function."),
    ("001", "masking-model", "Masking layer + LSTM on one-hot characters, no embedding", P,
     [(L2, "Masking in a recurrent classifier"), (L3, "A second corpus: news titles that end")],
     "Masking and the title model are taught with Embedding(mask_zero) and loss weights; one-hot inputs are not shown, "
     "since an embedding is the same computation (a one-hot vector times a matrix picks a row) with fewer operations."),
    ("001", "greedy", "Greedy generation: argmax, stop at <eos>", C, [(L3, "Exercise 3: sample with a temperature, greedy at 0"),
                                                                    (L3, "Exercise 4: `generate_text`")], ""),
    ("001", "callback", "Sampling during training with a LambdaCallback", C, [(L3, "Training, with a sample after every epoch")], ""),
    ("001", "improvements", "Improvements: more text in fixed windows, more layers, GRU units, hidden size and overfitting", C,
     [(L3, "Windows"), (L3, "The model: stacked GRUs")], ""),
    ("001", "temperature", "Soft generation: multinomial sampling with a temperature", C,
     [(L3, "Temperature and greedy decoding")], ""),
    ("001", "keyerror", "A sampled padding id (the notes' KeyError at high temperature)", C,
     [(L3, "Exercise 4: `generate_text`")], ""),
    # ---------------------------------------------------------------- 002: Hands-On ML ch. 16
    ("002", "16.1.1", "Char-RNN training data: characters encoded", C, [(L3, "The text")], ""),
    ("002", "16.1.2", "Splitting a sequential data set in time", C, [(L3, "A split in time")], ""),
    ("002", "16.1.3", "Windows over one long text (window, flat_map, shuffle, batch; truncated BPTT)", C,
     [(L3, "Exercise 1: the window dataset")], ""),
    ("002", "16.1.4", "The Char-RNN model: two GRUs with dropout, a softmax layer", P, [(L3, "Exercise 2: a two-layer GRU character model")],
     "The chapter's GRUs have no dropout (0.2 in the notes, recurrent dropout GPU-only): three short epochs on a CPU "
     "underfit, where dropout only slows learning; the reference's full preset keeps it."),
    ("002", "16.1.5", "Using the model: predict the next character", C, [(L3, "Exercise 4: `generate_text`")], ""),
    ("002", "16.1.6", "Fake Shakespeare: sampling with a temperature", C, [(L3, "Temperature and greedy decoding")], ""),
    ("002", "16.1.7", "Stateful RNN: consecutive non-overlapping batches, reset per epoch", C,
     [(L4, "Consecutive batches"), (L4, "Exercise 3: a reset-state callback")], ""),
    ("002", "16.2-task", "Sentiment analysis on IMDB reviews", C, [(L2, "Masking in a recurrent classifier")], ""),
    ("002", "16.2-preprocess", "Preprocessing reviews: truncate, strip <br />, split on spaces", P,
     [(L2, "Words and punctuation")], "Done for titles by pad_punctuation; the HTML clean-up of IMDB has no counterpart."),
    ("002", "16.2-vocabulary", "A vocabulary counted with Counter and truncated to the most frequent words", C,
     [(L2, "A word vocabulary: padding and out-of-vocabulary ids")], ""),
    ("002", "16.2-oov", "Lookup tables with out-of-vocabulary buckets (StaticVocabularyTable, 1,000 buckets)", C,
     [(L2, "A word vocabulary: padding and out-of-vocabulary ids")], ""),
    ("002", "16.2-subword", "Subword tokenization: byte-pair encoding, Kudo's subword regularisation, TF.Text", C,
     [(L2, "Subwords: byte-pair encoding"), (L2, "Vocabulary size against sequence length")], ""),
    ("002", "16.2-model", "The sentiment model: Embedding, two GRUs, a sigmoid unit", C, [(L2, "Masking in a recurrent classifier")], ""),
    ("002", "16.2.1", "Masking: mask_zero=True, or a mask passed by hand", P, [(L2, "Masking in a recurrent classifier")],
     "mask_zero is taught and tested; a mask passed by hand (the notes' Lambda layer) is the same mask, computed outside "
     "the layers, and is not shown."),
    ("002", "16.2.2", "Reusing pretrained embeddings from TF Hub (nnlm-en-dim50)", O, [],
     "The course runs offline and no model hub is reachable from its machines or its CI, so no pretrained module (the "
     "notes' sentence embedding trained on Google News) can be loaded; chapter 1's embedding trained on AG News is the "
     "closest offline stand-in."),
    ("002", "16.3", "Encoder-decoder for translation: SOS/EOS, the source reversed", C,
     [(L5, "English to French, character by character"), (L6, "Reverse the question")], ""),
    ("002", "16.3.1", "Bidirectional RNNs", C, [(L7, "A bidirectional encoder")], ""),
    ("002", "16.3.2", "Beam search", C, [(L7, "Beam search")], ""),
    ("002", "16.4-mechanism", "Attention: every encoder output reaches the decoder as a weighted sum", C,
     [(L7, "One vector is not enough"), (L7, "Exercise 1: weights and context")], ""),
    ("002", "16.4-bahdanau", "Bahdanau (concatenative) attention: an alignment model on the encoder outputs and the "
     "decoder's previous hidden state", C, [(L7, "The additive score")], ""),
    ("002", "16.4-luong", "Luong (multiplicative) attention: a dot product", C, [(L7, "One vector is not enough"),
                                                                              (L7, "The additive score")], ""),
    ("002", "16.4.1", "Visual attention for image captions; explainability", C, [(L7, "What the sources add without code")], ""),
    ("002", "16.4.2-architecture", "The transformer: encoder, decoder, masked multi-head attention and cross-attention", C,
     [(L10, "Cross-attention"), (L10, "Exercise 3: `DecoderBlock`"), (L10, "Transformer against RNN attention on dates")], ""),
    ("002", "16.4.2-masks", "Padding masks in the encoder, the decoder and the cross-attention", C,
     [(L10, "Which keys a query may read"), (L10, "Exercise 1: `attention_mask`")], ""),
    ("002", "16.4.2-positional", "Positional encoding (sinusoids); one embedding for both sides", C,
     [(L9, "Exercise 2: `positional_encoding`")], ""),
    ("002", "16.4.2-attention", "Scaled dot-product attention as a soft dictionary lookup", C,
     [(L9, "Attention without recurrence"), (L9, "Exercise 3: scaled dot-product attention with a mask")], ""),
    ("002", "16.4.2-multihead", "Multi-head attention: several scaled dot-product attentions side by side", C,
     [(L9, "Exercise 4: `multi_head_attention`")], ""),
    ("002", "16.5-elmo", "ELMo: contextual embeddings from a bidirectional language model", C,
     [(L9, "What the sources add without code")], ""),
    ("002", "16.5-ulmfit", "ULMFiT: a pretrained LSTM language model fine-tuned for classification", C,
     [(L9, "What the sources add without code")], ""),
    ("002", "16.5-gpt", "GPT and GPT-2", C, [(L9, "What the sources add without code")], ""),
    ("002", "16.5-bert", "BERT and masked language modelling", C, [(L9, "What the sources add without code")], ""),
    ("002", "16.5-nsp", "BERT's next-sentence prediction", C, [(L9, "What the sources add without code")], ""),
    ("002", "16.6", "Exercises", O, [], "The notes give the heading only; the course's own exercises stand in its place."),
    # ---------------------------------------------------------------- 003: the Keras seq2seq introduction
    ("003", "what", "What sequence-to-sequence learning is: translation, question answering", C, [(L5, "Overview")], ""),
    ("003", "equal-length", "The trivial case: input and output of the same length (the addition_rnn example)", C,
     [(L5, "When input and output have the same length")], ""),
    ("003", "general", "The general case: the encoder's states as context, the decoder trained with teacher forcing", C,
     [(L5, "Teacher forcing"), (L5, "The Keras encoder-decoder")], ""),
    ("003", "inference", "Inference: encode, start symbol, predict, argmax, append, stop", C, [(L5, "Greedy decoding")], ""),
    ("003", "data", "The English-French pairs, character level, three 3-D one-hot arrays", C,
     [(L5, "English to French, character by character")], ""),
    ("003", "model", "The training model with return_state, initial_state, return_sequences", C,
     [(L5, "Exercise 2: training and inference models")], ""),
    ("003", "training", "Training with RMSprop and a validation split", C, [(L5, "Training")], ""),
    ("003", "inference-models", "Separate encoder and one-step decoder models sharing the layers", C,
     [(L5, "Exercise 2: training and inference models")], ""),
    ("003", "decode-sequence", "decode_sequence", C, [(L5, "Exercise 3: `decode_sequence`")], ""),
    ("003", "results", "Example translations", C, [(L5, "Training")], ""),
    ("003", "references", "References: Sutskever et al. 2014, Cho et al. 2014", C, [(L5, "References")], ""),
    ("003", "faq-gru", "FAQ: the GRU variant", C, [(L5, "The GRU variant")], ""),
    ("003", "faq-word-level", "FAQ: a word-level model with Embedding layers", C, [(L5, "The word-level variant")], ""),
    ("003", "faq-no-teacher-forcing", "FAQ: training without teacher forcing (predictions fed back)", C,
     [(L6, "Training without teacher forcing")], ""),
    ("003", "book", "The translator's book recommendations", O, [], "Publicity for a book, not course content."),
    # ---------------------------------------------------------------- 004: DLFS2 ch. 7-8
    ("004", "7-1-1", "Sentence generation: sample from the predicted distribution, feed it back", C,
     [(L1, "Generating text")], ""),
    ("004", "7-1-2", "RnnlmGen.generate: start id, skip ids, sample size", C, [(L1, "Generating text")], ""),
    ("004", "7-1-3", "Better language models write better sentences", C, [(L9, "A character GPT on Shakespeare, beside the GRU and counting")], ""),
    ("004", "7-2-1", "The seq2seq principle: encoder, decoder, the hidden state between them", C, [(L5, "Overview")], ""),
    ("004", "7-2-2", "A toy problem: addition as text", C, [(L6, "The addition task")], ""),
    ("004", "7-2-3", "Variable lengths padded with spaces", C, [(L6, "The addition task")], ""),
    ("004", "7-2-4", "The addition data set (45,000 / 5,000)", C, [(L6, "The addition task")], ""),
    ("004", "7-3-1", "The Encoder class: forward (last state) and backward (gradient at the last step only)", C,
     [(L5, "The encoder, forward and backward"), (L5, "Exercise 6: the encoder's forward pass"),
      (L5, "Exercise 7: the encoder's backward pass")], ""),
    ("004", "7-3-2", "The Decoder class: forward, backward returning dh, generate", C,
     [(L5, "Exercise 4: the decoder's forward pass"), (L5, "Exercise 5: the decoder's backward pass")], ""),
    ("004", "7-3-3", "The Seq2seq class assembled", C, [(L5, "The whole model, trained in NumPy")], ""),
    ("004", "7-3-4", "Evaluating seq2seq: training with Adam and clipping, accuracy per epoch", C,
     [(L5, "The whole model, trained in NumPy"), (L6, "Three runs: baseline, reverse, reverse + Peeky")], ""),
    ("004", "7-4-1", "Reverse", C, [(L6, "Exercise 1: reverse the questions")], ""),
    ("004", "7-4-2", "Peeky", C, [(L6, "Exercise 2: the Peeky decoder's forward pass"), (L6, "Exercise 3: the backward pass")], ""),
    ("004", "7-5-1", "Applications: chatbots", C, [(L5, "The word-level variant")], ""),
    ("004", "7-5-2", "Applications: image captioning", C, [(L7, "What the sources add without code")], ""),
    ("004", "7-6", "Summary of chapter 7", C, [(L6, "Summary")], ""),
    ("004", "8-1-1", "The problem of seq2seq: one fixed-size vector", C, [(L7, "One vector is not enough")], ""),
    ("004", "8-1-2", "Encoder improvement: keep every hidden state", C, [(L7, "One vector is not enough")], ""),
    ("004", "8-1-3", "Decoder improvement 1: weights and the weighted sum (context)", C, [(L7, "Exercise 1: weights and context")], ""),
    ("004", "8-1-4", "Decoder improvement 2: dot-product scores and the softmax", C,
     [(L7, "One vector is not enough"), (L7, "Exercise 1: weights and context")], ""),
    ("004", "8-1-5", "Decoder improvement 3: the attention layer at every step", C, [(L7, "Exercise 4: `time_attention`")], ""),
    ("004", "8-2-1", "AttentionEncoder: all states, backward from dhs", C, [(L7, "The attention seq2seq, trained in NumPy")], ""),
    ("004", "8-2-2", "AttentionDecoder: forward with [c, h_t]; backward adding dh to the last encoder state", C,
     [(L7, "Exercise 7: `attention_decoder_backward`")], ""),
    ("004", "8-2-3", "AttentionSeq2seq", C, [(L7, "The attention seq2seq, trained in NumPy"),
                                              (L7, "Training on dates: baseline, Peeky, attention")], ""),
    ("004", "8-3-1", "The date-format task", C, [(L7, "The date task")], ""),
    ("004", "8-3-2", "Training the attention seq2seq, compared with baseline and Peeky", C,
     [(L7, "Training on dates: baseline, Peeky, attention")], ""),
    ("004", "8-3-3", "Visualising the attention weights", C, [(L7, "Where the model looks")], ""),
    ("004", "8-4-1", "Bidirectional LSTM: TimeBiLSTM forward and backward", C,
     [(L7, "Exercise 5: `bilstm_forward`"), (L7, "Exercise 6: `bilstm_backward`")], ""),
    ("004", "8-4-3", "Deeper seq2seq and skip connections", C, [(L7, "What the sources add without code")], ""),
    ("004", "8-5-1", "Google's neural machine translation (GNMT)", C, [(L7, "What the sources add without code")], ""),
    ("004", "8-5-2", "The transformer", C, [(L7, "What the sources add without code"), (L9, "Overview"), (L10, "Overview")], ""),
    ("004", "8-6", "Summary of chapter 8, attention with external memory", C,
     [(L7, "Summary"), (L7, "What the sources add without code")], ""),
]

SECTIONS = {note: [r[1] for r in ROWS if r[0] == note] for note in NOTES}  # the course map, in the notes' order

# Headings the notes number themselves, as written in them: each must have a row (checked against the seeds).
NUMBERED = {
    "000": ["5.1", "5.2", "5.2.1", "5.2.2", "5.2.3"],
    "002": ["16.1.1", "16.1.2", "16.1.3", "16.1.4", "16.1.5", "16.1.6", "16.1.7", "16.2.1", "16.2.2", "16.3.1", "16.3.2",
            "16.4.1", "16.4.2", "16.6"],
    "004": ["7-1", "7-2", "7-3", "7-4", "7-5", "7-6", "8-1", "8-2", "8-3", "8-4", "8-5", "8-6"],
}


def counts() -> dict[str, int]:
    out = {C: 0, P: 0, O: 0}
    for row in ROWS:
        out[row[3]] += 1
    return out


BEGIN, END = "<!-- coverage: generated by book/coverage.py -->", "<!-- coverage: end -->"
INTRO = Path(__file__).resolve().parent / "intro.md"
STATUS = {C: "taught", P: "partly", O: "left out"}


def markdown() -> str:
    """The table as the introduction shows it (between :data:`BEGIN` and :data:`END`)."""
    n = counts()
    lines = [BEGIN, "",
             f"{len(ROWS)} sections and topics of the five notes: {n[C]} taught, {n[P]} partly (what is left out "
             f"is said), {n[O]} left out (with the reason).", "",
             "| note | section | topic | status | where it is taught, or why not |", "|---|---|---|---|---|"]
    for note, section, topic, status, where, text in ROWS:
        cited = "; ".join(f"{int(stem[:2])}: {heading}" for stem, heading in where)
        cell = cited + (f" ({text})" if cited and text else text)
        lines.append(f"| {note} | {section} | {topic} | {STATUS[status]} | {cell.replace('|', '/')} |")
    return "\n".join(lines + ["", END])


def intro_block(text: str) -> str:
    """The generated block of the page ``text`` (markers included); ValueError when the markers are missing."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {BEGIN!r} ... {END!r} block in the introduction")
    return text[start:end + len(END)]


if __name__ == "__main__":
    page = INTRO.read_text(encoding="utf-8")
    INTRO.write_text(page.replace(intro_block(page), markdown()), encoding="utf-8")
    print(counts(), len(ROWS))
