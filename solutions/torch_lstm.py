"""The NumPy chapters' LSTM, written in PyTorch for autograd: the oracle of their backward passes.

Weights in the layout of chapter 5's ``TimeLSTM`` (Deep Learning from Scratch 2): ``Wx (D, 4H)``,
``Wh (H, 4H)``, ``b (4H,)``, gates in the order i, f, g, o; the cell state starts at zero.
"""

from __future__ import annotations

import torch


def lstm_states(u: torch.Tensor, h0: torch.Tensor, Wx: torch.Tensor, Wh: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Hidden states (B, T, H) of the LSTM run over inputs ``u`` (B, T, D) from ``(h0, 0)``."""
    H = h0.shape[1]
    state, cell, outs = h0, torch.zeros_like(h0), []
    for t in range(u.shape[1]):
        A = u[:, t] @ Wx + state @ Wh + b  # (B, 4H), gates i, f, g, o
        i, f, g, o = torch.sigmoid(A[:, :H]), torch.sigmoid(A[:, H:2 * H]), torch.tanh(A[:, 2 * H:3 * H]), torch.sigmoid(A[:, 3 * H:])
        cell = f * cell + i * g
        state = o * torch.tanh(cell)
        outs.append(state)
    return torch.stack(outs, dim=1)  # (B, T, H)
