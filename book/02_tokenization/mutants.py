"""Plausible wrong answers for chapter 2, by class, and correct answers written differently.

Each wrong answer must lose exactly its exercise's points; each alternative must earn them.
"""

import os
import runpy

TOKENIZER_REST = '''
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
'''

TOKENIZER_FIT = '''
class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        chars = sorted(set("".join(texts)))
        self.vocab = ["", "<eos>"] + chars
        self.index = {c: i + 2 for i, c in enumerate(chars)}
        return self
'''

MUTANTS = {
    "pad_punctuation": {
        # Pads the marks but never collapses the double spaces this creates.
        "logic: no collapsing of spaces": '''
def pad_punctuation(text):
    return re.sub(f"([{re.escape(string.punctuation)}])", r" \\1 ", text).strip()
''',
        # "Not a word character nor a space": misses "_" (a word character) and pads "’", "—", "€".
        "logic: [^\\w\\s] instead of string.punctuation": '''
def pad_punctuation(text):
    return re.sub(" +", " ", re.sub(r"([^\\w\\s])", r" \\1 ", text)).strip()
''',
        # Collapses and pads, but leaves the spaces at both ends.
        "logic: ends not stripped": '''
def pad_punctuation(text):
    return re.sub(" +", " ", re.sub(f"([{re.escape(string.punctuation)}])", r" \\1 ", text))
''',
        # The docstring leaves the letters unchanged.
        "contract: lower-cases the text": '''
def pad_punctuation(text):
    text = re.sub(f"([{re.escape(string.punctuation)}])", r" \\1 ", text.lower())
    return re.sub(" +", " ", text).strip()
''',
        "contract: returns the list of tokens": '''
def pad_punctuation(text):
    return re.sub(f"([{re.escape(string.punctuation)}])", r" \\1 ", text).split()
''',
    },
    "char_tokenizer": {
        # Ids in order of first appearance, as a dict over the text gives them, not sorted.
        "logic: characters in order of appearance": '''
class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        chars = list(dict.fromkeys("".join(texts)))
        self.vocab = ["", "<eos>"] + chars
        self.index = {c: i + 2 for i, c in enumerate(chars)}
        return self
''' + TOKENIZER_REST,
        # No dtype: np.array([]) is float64, so encode("") returns float ids.
        "contract: encode('') is float64 (no dtype)": TOKENIZER_FIT + '''
    def encode(self, text, add_eos=False):
        return np.array([self.index[c] for c in text] + ([1] if add_eos else []))

    def decode(self, ids):
        out = []
        for i in ids:
            if i == 1:
                break
            if i != 0:
                out.append(self.vocab[i])
        return "".join(out)
''',
        # Skips the <eos> like padding instead of stopping there.
        "logic: decode does not stop at <eos>": TOKENIZER_FIT + '''
    def encode(self, text, add_eos=False):
        return np.array([self.index[c] for c in text] + ([1] if add_eos else []), dtype=np.int64)

    def decode(self, ids):
        return "".join(self.vocab[i] for i in ids if i > 1)
''',
        # Joins the tokens, <eos> included, and cuts at the TEXT "<eos>": wrong for a text holding those characters.
        "logic: decode cuts at the text '<eos>'": TOKENIZER_FIT + '''
    def encode(self, text, add_eos=False):
        return np.array([self.index[c] for c in text] + ([1] if add_eos else []), dtype=np.int64)

    def decode(self, ids):
        return "".join(self.vocab[int(i)] for i in ids).split("<eos>")[0]
''',
        # fit sets the vocabulary but returns None: CharTokenizer().fit(texts) is not a tokenizer.
        "contract: fit does not return self": '''
class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        chars = sorted(set("".join(texts)))
        self.vocab = ["", "<eos>"] + chars
        self.index = {c: i + 2 for i, c in enumerate(chars)}
''' + TOKENIZER_REST,
        # A second fit adds to the first vocabulary instead of replacing it.
        "contract: refitting keeps the old characters": '''
class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        chars = sorted(set("".join(texts)) | set(self.index))
        self.vocab = ["", "<eos>"] + chars
        self.index = {c: i + 2 for i, c in enumerate(chars)}
        return self
''' + TOKENIZER_REST,
    },
    "pad_batch": {
        # Derives the mask from the ids: wrong as soon as a real token has the padding id.
        "logic: mask from ids != pad_id": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    L = max(len(s) for s in sequences) if max_len is None else max_len
    ids = np.full((len(sequences), L), pad_id, dtype=np.int64)
    for row, seq in enumerate(sequences):
        seq = list(seq)[:L]
        ids[row, : len(seq)] = seq
    return ids, ids != pad_id
''',
        # The ids in a np.zeros buffer, float64 by default: float ids.
        "contract: float64 ids": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    L = max(len(s) for s in sequences) if max_len is None else max_len
    ids = np.zeros((len(sequences), L)) + pad_id
    mask = np.zeros((len(sequences), L), dtype=bool)
    for row, seq in enumerate(sequences):
        n = min(len(seq), L)
        ids[row, :n] = seq[:n]
        mask[row, :n] = True
    return ids, mask
''',
        # Pads on the left, as keras pad_sequences does by default.
        "logic: left padding": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    ids = keras.utils.pad_sequences([list(s) for s in sequences], maxlen=max_len, dtype="int64",
                                    truncating="post", value=pad_id)
    lengths = np.array([min(len(s), ids.shape[1]) for s in sequences])
    mask = np.arange(ids.shape[1])[None, ::-1] < lengths[:, None]
    return ids, mask
''',
        # Cuts long sequences to their LAST max_len tokens.
        "logic: truncation keeps the end": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    L = max(len(s) for s in sequences) if max_len is None else max_len
    ids = np.full((len(sequences), L), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), L), dtype=bool)
    for row, seq in enumerate(sequences):
        seq = list(seq)[-L:] if L else []
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = True
    return ids, mask
''',
        # Pads with 0 whatever pad_id says.
        "contract: ignores pad_id": '''
def pad_batch(sequences, max_len=None, pad_id=0):
    L = max(len(s) for s in sequences) if max_len is None else max_len
    ids = np.zeros((len(sequences), L), dtype=np.int64)
    mask = np.zeros((len(sequences), L), dtype=bool)
    for row, seq in enumerate(sequences):
        n = min(len(seq), L)
        ids[row, :n] = seq[:n]
        mask[row, :n] = True
    return ids, mask
''',
    },
    "shift": {
        "logic: inputs and targets swapped": '''
def shift_inputs_targets(ids, mask):
    return ids[:, 1:], ids[:, :-1], mask[:, 1:].astype(np.float32)
''',
        # Chapter 1's convention: the weight of a position is whether its INPUT is real.
        "logic: weights from the inputs' mask": '''
def shift_inputs_targets(ids, mask):
    return ids[:, :-1], ids[:, 1:], mask[:, :-1].astype(np.float32)
''',
        # Weights from the ids: a real token with id 0 gets weight 0, padding with another id weight 1.
        "contract: weights from ids != 0": '''
def shift_inputs_targets(ids, mask):
    return ids[:, :-1], ids[:, 1:], (ids[:, 1:] != 0).astype(np.float32)
''',
        # The ids built into a float buffer: float64 inputs and targets.
        "contract: float64 ids": '''
def shift_inputs_targets(ids, mask):
    N, T1 = ids.shape
    inputs, targets = np.zeros((N, T1 - 1)), np.zeros((N, T1 - 1))
    inputs[:], targets[:] = ids[:, :-1], ids[:, 1:]
    return inputs, targets, mask[:, 1:].astype(np.float32)
''',
        "contract: boolean weights": '''
def shift_inputs_targets(ids, mask):
    return ids[:, :-1], ids[:, 1:], mask[:, 1:]
''',
    },
}

# Other correct answers, written differently: each must earn full marks.
ALTERNATIVES = {
    "pad_punctuation": [
        # str.translate instead of a regex; runs of spaces removed by splitting on " " and dropping the empties.
        '''
def pad_punctuation(text):
    spaced = text.translate(str.maketrans({mark: f" {mark} " for mark in string.punctuation}))
    return " ".join(piece for piece in spaced.split(" ") if piece).strip()
''',
        # A regex with a character class written out, collapsed with str.split().
        '''
def pad_punctuation(text):
    return " ".join(re.sub("([" + re.escape(string.punctuation) + "])", r" \\1 ", text).split())
''',
        # A character loop.
        '''
def pad_punctuation(text):
    out = []
    for ch in text:
        out.append(f" {ch} " if ch in string.punctuation else ch)
    text = "".join(out)
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")
''',
    ],
    "char_tokenizer": [
        # np.unique for the sorted characters, np.fromiter to encode, list.index to find the <eos>.
        '''
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
        # The index built from the whole vocabulary ("" and "<eos>" included), itertools.takewhile to decode.
        '''
import itertools


class CharTokenizer:
    def __init__(self):
        self.vocab = ["", "<eos>"]
        self.index = {}

    def fit(self, texts):
        self.vocab = ["", "<eos>"] + sorted(set().union(*[set(t) for t in texts]))
        self.index = {token: i for i, token in enumerate(self.vocab)}
        return self

    def encode(self, text, add_eos=False):
        return np.asarray([self.index[c] for c in text] + [1] * add_eos, dtype=np.int32)

    def decode(self, ids):
        return "".join(self.vocab[i] for i in itertools.takewhile(lambda i: i != 1, ids) if i)
''',
    ],
    "pad_batch": [
        # Keras's pad_sequences does the padding and cutting; the mask comes from the lengths, vectorised.
        '''
def pad_batch(sequences, max_len=None, pad_id=0):
    ids = keras.utils.pad_sequences([list(s) for s in sequences], maxlen=max_len, dtype="int64",
                                    padding="post", truncating="post", value=pad_id)
    lengths = np.array([len(s) for s in sequences])
    mask = np.arange(ids.shape[1])[None, :] < lengths[:, None]
    return ids, mask
''',
        # Rows built as lists and stacked.
        '''
def pad_batch(sequences, max_len=None, pad_id=0):
    L = max_len if max_len is not None else max((len(s) for s in sequences), default=0)
    rows, masks = [], []
    for seq in sequences:
        seq = [int(t) for t in seq][:L]
        rows.append(seq + [pad_id] * (L - len(seq)))
        masks.append([True] * len(seq) + [False] * (L - len(seq)))
    return np.array(rows, dtype=np.int64).reshape(len(sequences), L), np.array(masks, dtype=bool).reshape(len(sequences), L)
''',
    ],
    "shift": [
        # np.delete of the last / first column; weights with np.where.
        '''
def shift_inputs_targets(ids, mask):
    return np.delete(ids, -1, axis=1), np.delete(ids, 0, axis=1), np.where(mask[:, 1:], 1.0, 0.0).astype("float32")
''',
        # Copies, and float64 weights (a float dtype is what the contract asks).
        '''
def shift_inputs_targets(ids, mask):
    ids = np.asarray(ids)
    return ids[..., :-1].copy(), ids[..., 1:].copy(), np.asarray(mask, dtype=float)[:, 1:]
''',
    ],
}


# Byte-pair encoding's exercises (5 to 7): a file of their own (files stay under 400 lines).
_more = runpy.run_path(os.path.join(os.path.dirname(__file__), "mutants_bpe.py"))
MUTANTS, ALTERNATIVES = MUTANTS | _more["MUTANTS"], ALTERNATIVES | _more["ALTERNATIVES"]
