"""Plausible wrong answers and correct alternatives for chapter 2's byte-pair encoding, Exercises 5 to 7 (merged
into mutants.py's, beside this file)."""

MUTANTS = {
    "learn_bpe": {
        "logic: ties go to the larger pair": '''
def learn_bpe(texts, n_merges):
    pieces = [list(p.encode("utf-8", "surrogatepass")) for text in texts for p in pretokenize(text)]
    merges = []
    while len(merges) < n_merges:
        counts = {}
        for ids in pieces:
            for pair in zip(ids, ids[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts or max(counts.values()) < 2:
            break
        best = max(counts, key=lambda pair: (counts[pair], pair))
        merges.append(best)
        pieces = [merge_pair(ids, best, 255 + len(merges)) for ids in pieces]
    return merges
''',
        "logic: pairs counted across word boundaries (no pieces)": '''
def learn_bpe(texts, n_merges):
    pieces = [list(text.encode("utf-8", "surrogatepass")) for text in texts]
    merges = []
    while len(merges) < n_merges:
        counts = {}
        for ids in pieces:
            for pair in zip(ids, ids[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts or max(counts.values()) < 2:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merges.append(best)
        pieces = [merge_pair(ids, best, 255 + len(merges)) for ids in pieces]
    return merges
''',
        "contract: never stops early (merges pairs seen once)": '''
def learn_bpe(texts, n_merges):
    pieces = [list(p.encode("utf-8", "surrogatepass")) for text in texts for p in pretokenize(text)]
    merges = []
    while len(merges) < n_merges:
        counts = {}
        for ids in pieces:
            for pair in zip(ids, ids[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merges.append(best)
        pieces = [merge_pair(ids, best, 255 + len(merges)) for ids in pieces]
    return merges
''',
        "numeric: a pair counted once per piece, however often it occurs": '''
def learn_bpe(texts, n_merges):
    pieces = [list(p.encode("utf-8", "surrogatepass")) for text in texts for p in pretokenize(text)]
    merges = []
    while len(merges) < n_merges:
        counts = {}
        for ids in pieces:
            for pair in set(zip(ids, ids[1:])):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts or max(counts.values()) < 2:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merges.append(best)
        pieces = [merge_pair(ids, best, 255 + len(merges)) for ids in pieces]
    return merges
''',
        "contract: characters (code points), not bytes": '''
def learn_bpe(texts, n_merges):
    pieces = [[ord(c) for c in p] for text in texts for p in pretokenize(text)]
    merges = []
    while len(merges) < n_merges:
        counts = {}
        for ids in pieces:
            for pair in zip(ids, ids[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts or max(counts.values()) < 2:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merges.append(best)
        pieces = [merge_pair(ids, best, 255 + len(merges)) for ids in pieces]
    return merges
''',
    },
    "bpe_encode": {
        "logic: merges applied in reverse order": '''
def bpe_encode(text, merges):
    out = []
    for piece in pretokenize(text):
        ids = list(piece.encode("utf-8", "surrogatepass"))
        for i in reversed(range(len(merges))):
            ids = merge_pair(ids, merges[i], 256 + i)
        out += ids
    return out
''',
        "logic: the whole text at once (merges across pieces)": '''
def bpe_encode(text, merges):
    ids = list(text.encode("utf-8", "surrogatepass"))
    for i, pair in enumerate(merges):
        ids = merge_pair(ids, pair, 256 + i)
    return ids
''',
        "contract: code points instead of bytes": '''
def bpe_encode(text, merges):
    out = []
    for piece in pretokenize(text):
        ids = [ord(c) for c in piece]
        for i, pair in enumerate(merges):
            ids = merge_pair(ids, pair, 256 + i)
        out += ids
    return out
''',
        "contract: a lone surrogate refused (strict UTF-8)": '''
def bpe_encode(text, merges):
    out = []
    for piece in pretokenize(text):
        ids = list(piece.encode("utf-8"))
        for i, pair in enumerate(merges):
            ids = merge_pair(ids, pair, 256 + i)
        out += ids
    return out
''',
        "numeric: merge i given the id 255 + i": '''
def bpe_encode(text, merges):
    out = []
    for piece in pretokenize(text):
        ids = list(piece.encode("utf-8", "surrogatepass"))
        for i, pair in enumerate(merges):
            ids = merge_pair(ids, pair, 255 + i)
        out += ids
    return out
''',
    },
    "bpe_decode": {
        "logic: each token decoded on its own": '''
def bpe_decode(ids, merges):
    vocab = [bytes([b]) for b in range(256)]
    for a, b in merges:
        vocab.append(vocab[a] + vocab[b])
    return "".join(vocab[i].decode("utf-8", "replace") for i in ids)
''',
        "contract: strict UTF-8 (a lone surrogate raises)": '''
def bpe_decode(ids, merges):
    vocab = [bytes([b]) for b in range(256)]
    for a, b in merges:
        vocab.append(vocab[a] + vocab[b])
    return b"".join(vocab[i] for i in ids).decode("utf-8")
''',
        "numeric: bytes read as Latin-1": '''
def bpe_decode(ids, merges):
    vocab = [bytes([b]) for b in range(256)]
    for a, b in merges:
        vocab.append(vocab[a] + vocab[b])
    return b"".join(vocab[i] for i in ids).decode("latin-1")
''',
        "logic: a merge's bytes in the wrong order": '''
def bpe_decode(ids, merges):
    vocab = [bytes([b]) for b in range(256)]
    for a, b in merges:
        vocab.append(vocab[b] + vocab[a])
    return b"".join(vocab[i] for i in ids).decode("utf-8", "surrogatepass")
''',
    },
}

ALTERNATIVES = {
    "learn_bpe": [
        # collections.Counter over distinct pieces weighted by their counts, ties by sorting.
        '''
from collections import Counter


def learn_bpe(texts, n_merges):
    words = Counter(p for t in texts for p in pretokenize(t))
    seqs = {w: list(w.encode("utf-8", "surrogatepass")) for w in words}
    merges = []
    for new_id in range(256, 256 + n_merges):
        counts = Counter()
        for w, ids in seqs.items():
            for pair in zip(ids, ids[1:]):
                counts[pair] += words[w]
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked or ranked[0][1] < 2:
            break
        pair = ranked[0][0]
        merges.append(pair)
        seqs = {w: merge_pair(ids, pair, new_id) for w, ids in seqs.items()}
    return merges
''',
        '''
def learn_bpe(texts, n_merges):
    pieces = []
    for text in texts:
        for piece in pretokenize(text):
            pieces.append([int(b) for b in piece.encode("utf-8", errors="surrogatepass")])
    merges = []
    for step in range(n_merges):
        counts = {}
        for ids in pieces:
            for i in range(len(ids) - 1):
                counts[(ids[i], ids[i + 1])] = counts.get((ids[i], ids[i + 1]), 0) + 1
        best = None
        for pair in sorted(counts):
            if counts[pair] >= 2 and (best is None or counts[pair] > counts[best]):
                best = pair
        if best is None:
            break
        merges.append((int(best[0]), int(best[1])))
        pieces = [merge_pair(ids, best, 256 + step) for ids in pieces]
    return merges
''',
    ],
    "bpe_encode": [
        # GPT-2's loop: merge the lowest-ranked pair present, until none is left.
        '''
def bpe_encode(text, merges):
    rank = {tuple(p): i for i, p in enumerate(merges)}
    out = []
    for piece in pretokenize(text):
        ids = list(piece.encode("utf-8", "surrogatepass"))
        while len(ids) > 1:
            pair = min(zip(ids, ids[1:]), key=lambda p: rank.get(p, len(rank)))
            if pair not in rank:
                break
            ids = merge_pair(ids, pair, 256 + rank[pair])
        out.extend(ids)
    return out
''',
        '''
def bpe_encode(text, merges):
    pieces = [list(p.encode("utf-8", "surrogatepass")) for p in pretokenize(text)]
    for i, pair in enumerate(merges):
        pieces = [merge_pair(ids, pair, 256 + i) for ids in pieces]
    return [int(i) for ids in pieces for i in ids]
''',
    ],
    "bpe_decode": [
        '''
def bpe_decode(ids, merges):
    def expand(i):
        if i < 256:
            return [i]
        a, b = merges[i - 256]
        return expand(a) + expand(b)
    return bytes(b for i in ids for b in expand(int(i))).decode("utf-8", errors="surrogatepass")
''',
        '''
import codecs


def bpe_decode(ids, merges):
    table = {i: bytes([i]) for i in range(256)}
    for n, (a, b) in enumerate(merges):
        table[256 + n] = table[a] + table[b]
    return codecs.decode(b"".join(table[i] for i in ids), "utf-8", "surrogatepass")
''',
    ],
}
