"""A GRU layer whose time loop runs in TorchScript, forward and backward (a fused one-cell GRU for the CPU).

``nn.GRU`` on a CPU records every gate operation of every step in the autograd graph (torch has no oneDNN
GRU kernel), so a step of a small batch costs many more small operations than the arithmetic needs. Here
the input projections of all steps are one matrix product, the loop over time is a scripted function of a
few tensor operations per step (``forward_loop``), and the backward pass is written out (``backward_loop``)
with the weight gradients summed in two matrix products at the end. Same equations, gate order and
parameters as ``nn.GRU`` (r, z, n; ``reset_after``: r multiplies ``W_hn h + b_hn``), so the weights load
into either; on a GPU the model keeps ``nn.GRU`` (cuDNN).
"""

from __future__ import annotations

import torch
import torch.nn as nn


@torch.jit.script
def forward_loop(gi: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor, b_hh: torch.Tensor):
    """gi (T, B, 3H) input projections (time first: each step reads a contiguous block), h (B, H) ->
    outputs (T, B, H) and the gates r, z, the candidate n and W_hn h + b_hn, each (T, B, H)."""
    H = h.shape[1]
    outs, rs, zs, ns, ghns = [], [], [], [], []
    w_t = w_hh.t()
    for t in range(gi.shape[0]):
        gh = torch.addmm(b_hh, h, w_t)  # (B, 3H)
        g = gi[t]
        rz = torch.sigmoid(g[:, : 2 * H] + gh[:, : 2 * H])
        r, z, ghn = rz[:, :H], rz[:, H:], gh[:, 2 * H:]
        n = torch.tanh(g[:, 2 * H:] + r * ghn)
        h = n + z * (h - n)
        outs.append(h), rs.append(r), zs.append(z), ns.append(n), ghns.append(ghn)
    return torch.stack(outs), torch.stack(rs), torch.stack(zs), torch.stack(ns), torch.stack(ghns)


@torch.jit.script
def backward_loop(d_out: torch.Tensor, dh: torch.Tensor, nz: torch.Tensor, rf: torch.Tensor, r: torch.Tensor,
                  z: torch.Tensor, w_hh: torch.Tensor):
    """The gradients of the pre-activations dgi (T, B, 3H), dgh (T, B, 3H), and of the initial state (B, H).

    Time first throughout; ``nz`` (T, B, 2, H) holds each step's d a_n / d h' and d a_z / d h', ``rf`` (T, B, H)
    d a_r / d a_n (computed for all steps at once), so that a step is a handful of operations."""
    dgis, dghs = [], []
    for t in range(d_out.shape[0] - 1, -1, -1):
        dh = dh + d_out[t]
        dnz = dh.unsqueeze(1) * nz[t]  # (B, 2, H): d a_n, d a_z
        dan, daz = dnz[:, 0], dnz[:, 1]
        dar = dan * rf[t]
        dgis.append(torch.cat([dar, daz, dan], 1))
        dgh = torch.cat([dar, daz, dan * r[t]], 1)
        dghs.append(dgh)
        dh = torch.addmm(dh * z[t], dgh, w_hh)
    dgis.reverse(), dghs.reverse()
    return torch.stack(dgis), torch.stack(dghs), dh


class _GRULayer(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh):
        B, T, E = x.shape
        x_tm = x.transpose(0, 1).contiguous()  # (T, B, E)
        gi = torch.addmm(b_ih, x_tm.view(T * B, E), w_ih.t()).view(T, B, -1)
        out, r, z, n, ghn = forward_loop(gi, h0, w_hh, b_hh)  # each (T, B, H)
        prev = torch.cat([h0[None], out[:-1]])  # (T, B, H): the state each step read
        nz = torch.stack([(1 - z) * (1 - n * n), (prev - n) * z * (1 - z)], 2)  # (T, B, 2, H), all steps at once
        ctx.save_for_backward(x_tm, prev, nz, ghn * r * (1 - r), r, z, w_ih, w_hh)
        return out.transpose(0, 1), out[-1].clone()

    @staticmethod
    def backward(ctx, d_out, d_last):
        x_tm, prev, nz, rf, r, z, w_ih, w_hh = ctx.saved_tensors
        T, B, E = x_tm.shape
        dgi, dgh, dh0 = backward_loop(d_out.transpose(0, 1).contiguous(), d_last, nz, rf, r, z, w_hh)
        dgi2, dgh2 = dgi.view(T * B, -1), dgh.view(T * B, -1)
        dx = (dgi2 @ w_ih).view(T, B, E).transpose(0, 1)
        return (dx, dh0, dgi2.t() @ x_tm.view(T * B, E), dgh2.t() @ prev.reshape(T * B, -1),
                dgi2.sum(0), dgh2.sum(0))


class FusedGRU(nn.GRU):
    """``nn.GRU`` (batch_first, no dropout, unidirectional) whose CPU training runs :func:`forward_loop`
    and :func:`backward_loop`, layer by layer; elsewhere (CUDA, packed sequences) ``nn.GRU``'s own kernels."""

    def forward(self, x, hx=None):
        if x.is_cuda or not self.batch_first or self.bidirectional or self.dropout or not isinstance(x, torch.Tensor):
            return super().forward(x, hx)
        B = x.shape[0]
        hx = x.new_zeros(self.num_layers, B, self.hidden_size) if hx is None else hx
        states = []
        for layer in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = (getattr(self, f"{k}_l{layer}") for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
            x, last = _GRULayer.apply(x, hx[layer], w_ih, w_hh, b_ih, b_hh)
            states.append(last)
        return x, torch.stack(states)
