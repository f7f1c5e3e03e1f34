"""Plausible wrong answers for chapter 2. Each must lose exactly its exercise's points."""

MUTANTS = {
    "pad_punctuation": {
        # Pads the marks but never collapses the double spaces this creates.
        "no collapsing of spaces": '''
def pad_punctuation(text):
    return re.sub(f"([{re.escape(string.punctuation)}])", r" \\1 ", text).strip()
''',
    },
    "char_tokenizer": {
        # Ids in order of first appearance, as a dict comprehension over the text gives them, not sorted.
        "characters in order of appearance": '''
class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        chars = list(dict.fromkeys("".join(texts)))
        self.vocab = ["", "<eos>"] + chars
        self.index = {c: i + 2 for i, c in enumerate(chars)}
        return self

    def encode(self, text, add_eos=False):
        return np.array([self.index[c] for c in text] + ([1] if add_eos else []), dtype=np.int64)

    def decode(self, ids):
        out = []
        for i in ids:
            if i == 1:
                break
            if i != 0:
                out.append(self.vocab[i])
        return "".join(out)
''',
    },
    "shift": {
        "inputs and targets swapped": '''
def shift_inputs_targets(rows):
    rows = np.asarray(rows)
    return rows[:, 1:], rows[:, :-1]
''',
    },
    "pad_batch": {
        # Derives the mask from the ids: wrong as soon as a real token has the padding id.
        "mask from ids != 0": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    L = max(len(s) for s in sequences) if max_len is None else max_len
    ids = np.full((len(sequences), L), pad_id, dtype=np.int64)
    for row, seq in enumerate(sequences):
        seq = list(seq)[:L]
        ids[row, : len(seq)] = seq
    return ids, ids != pad_id
''',
    },
}

# Other correct answers, written differently: together in one submission they must score full marks.
ALTERNATIVES = {
    # str.translate instead of a regex; runs of spaces removed by splitting on " " and dropping the empties.
    "pad_punctuation": '''
def pad_punctuation(text):
    spaced = text.translate(str.maketrans({mark: f" {mark} " for mark in string.punctuation}))
    return " ".join(piece for piece in spaced.split(" ") if piece).strip()
''',
    # np.unique for the sorted characters, np.fromiter to encode, list.index to find the <eos>.
    "char_tokenizer": '''
class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        chars = [str(c) for c in np.unique(list("".join(texts)))]
        self.vocab = ["", "<eos>", *chars]
        self.index = dict(zip(chars, range(2, 2 + len(chars))))
        return self

    def encode(self, text, add_eos=False):
        ids = np.fromiter((self.index[c] for c in text), dtype=np.int64, count=len(text))
        return np.append(ids, np.int64(1)) if add_eos else ids

    def decode(self, ids):
        ids = [int(i) for i in ids]
        if 1 in ids:
            ids = ids[: ids.index(1)]
        return "".join(self.vocab[i] for i in ids if i != 0)
''',
    # np.delete of the last / first column instead of slicing.
    "shift": '''
def shift_inputs_targets(rows):
    return np.delete(rows, -1, axis=1), np.delete(rows, 0, axis=1)
''',
    # Keras's pad_sequences does the padding and cutting; the mask comes from the lengths, vectorised.
    "pad_batch": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    ids = keras.utils.pad_sequences([list(s) for s in sequences], maxlen=max_len, dtype="int64",
                                    padding="post", truncating="post", value=pad_id)
    lengths = np.array([len(s) for s in sequences])
    mask = np.arange(ids.shape[1])[None, :] < lengths[:, None]
    return ids, mask
''',
}
