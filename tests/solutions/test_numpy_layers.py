"""NumPy reference layers against PyTorch."""

import numpy as np
import torch

from solutions.numpy_layers import lstm_step, sigmoid


def test_lstm_step_matches_torch_lstmcell():
    """Does the NumPy LSTM step (gates i, f, g, o) agree with torch.nn.LSTMCell on random inputs?"""
    rng = np.random.default_rng(0)
    B, D, H = 4, 5, 6
    x, h, c = rng.normal(size=(B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    cell = torch.nn.LSTMCell(D, H).double()
    Wx = cell.weight_ih.detach().numpy().T  # (D, 4H)
    Wh = cell.weight_hh.detach().numpy().T  # (H, 4H)
    b = (cell.bias_ih + cell.bias_hh).detach().numpy()
    h_next, c_next = lstm_step(x, h, c, Wx, Wh, b)
    with torch.no_grad():
        th, tc = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    np.testing.assert_allclose(h_next, th.numpy(), atol=1e-12)
    np.testing.assert_allclose(c_next, tc.numpy(), atol=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    """Does the sigmoid stay finite and exact at +-1000 without overflow warnings?"""
    with np.errstate(over="raise"):
        out = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])
