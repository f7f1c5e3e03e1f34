"""Temperature sampling, in NumPy (what students write) and torch (for generate())."""

from __future__ import annotations

import numpy as np
import torch


def apply_temperature(probs, temperature: float) -> np.ndarray:
    """Reweight distributions on the last axis: p_i^(1/T) / sum_j p_j^(1/T).

    Computed in log space so that small temperatures do not underflow.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    logp = np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-300, None)) / temperature
    logp -= logp.max(axis=-1, keepdims=True)
    w = np.exp(logp)
    return w / w.sum(axis=-1, keepdims=True)


def sample_with_temperature(probs, temperature: float, rng: np.random.Generator) -> int:
    """Draw one index from the temperature-reweighted distribution ``probs`` (V,)."""
    p = apply_temperature(probs, temperature)
    return int(rng.choice(len(p), p=p))


def sample_logits(logits: torch.Tensor, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Sample one id per row from logits (B, V); temperature 0 means greedy."""
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits / temperature, dim=-1)  # (B, V)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)  # (B,)


# --- Chapter 3: temperature 0 as greedy decoding ----------------------------------------------


def sample_or_greedy(probs, temperature: float, rng: np.random.Generator) -> int:
    """Chapter 3's sampler: the most likely index at temperature 0, else :func:`sample_with_temperature`."""
    if temperature == 0:
        return int(np.argmax(probs))
    return sample_with_temperature(probs, temperature, rng)


def extend_by_sampling(step, prompt: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                       stop_id: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """The autoregressive loop shared by the reference language models.

    ``step(ids, state) -> (logits (B, T, V), state)`` is the model's forward pass. The
    prompt (B, T) is read once, then one sampled token at a time is fed back with the
    carried state; stops early when every row drew ``stop_id``. Returns (B, T + n).
    """
    logits, state = step(prompt, None)
    out = [prompt]
    for _ in range(max_new_tokens):
        nxt = sample_logits(logits[:, -1], temperature, generator)  # (B,)
        out.append(nxt[:, None])
        if stop_id is not None and bool((nxt == stop_id).all()):
            break
        logits, state = step(nxt[:, None], state)
    return torch.cat(out, dim=1)
