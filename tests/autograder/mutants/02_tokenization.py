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
