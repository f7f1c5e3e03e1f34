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
    """gi (B, T, 3H) input projections, h (B, H) -> outputs (B, T, H) and what the backward pass needs."""
    H = h.shape[1]
    outs, rs, zs, ns, ghns = [], [], [], [], []
    w_t = w_hh.t()
    for t in range(gi.shape[1]):
        gh = torch.addmm(b_hh, h, w_t)  # (B, 3H)
        g = gi[:, t]
        rz = torch.sigmoid(g[:, : 2 * H] + gh[:, : 2 * H])
        r, z, ghn = rz[:, :H], rz[:, H:], gh[:, 2 * H:]
        n = torch.tanh(g[:, 2 * H:] + r * ghn)
        h = n + z * (h - n)
        outs.append(h), rs.append(r), zs.append(z), ns.append(n), ghns.append(ghn)
    return torch.stack(outs, 1), torch.stack(rs, 1), torch.stack(zs, 1), torch.stack(ns, 1), torch.stack(ghns, 1)


@torch.jit.script
def backward_loop(d_out: torch.Tensor, dh: torch.Tensor, prev: torch.Tensor, r: torch.Tensor, z: torch.Tensor,
                  n: torch.Tensor, ghn: torch.Tensor, w_hh: torch.Tensor):
    """The gradients of the pre-activations: dgi (B, T, 3H), dgh (B, T, 3H), and of the initial state (B, H)."""
    dgis, dghs = [], []
    for t in range(d_out.shape[1] - 1, -1, -1):
        dh = dh + d_out[:, t]
        zt, nt, rt = z[:, t], n[:, t], r[:, t]
        dan = dh * (1 - zt) * (1 - nt * nt)  # through n = tanh(a_n)
        daz = dh * (prev[:, t] - nt) * zt * (1 - zt)
        dar = dan * ghn[:, t] * rt * (1 - rt)
        dgis.append(torch.cat([dar, daz, dan], 1))
        dgh = torch.cat([dar, daz, dan * rt], 1)
        dghs.append(dgh)
        dh = dh * zt + dgh @ w_hh
    dgis.reverse(), dghs.reverse()
    return torch.stack(dgis, 1), torch.stack(dghs, 1), dh


class _GRULayer(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh):
        B, T, _ = x.shape
        gi = torch.addmm(b_ih, x.reshape(B * T, -1), w_ih.t()).view(B, T, -1)
        out, r, z, n, ghn = forward_loop(gi, h0, w_hh, b_hh)
        prev = torch.cat([h0[:, None], out[:, :-1]], 1)  # (B, T, H): the state each step read
        ctx.save_for_backward(x, prev, r, z, n, ghn, w_ih, w_hh)
        return out, out[:, -1].clone()

    @staticmethod
    def backward(ctx, d_out, d_last):
        x, prev, r, z, n, ghn, w_ih, w_hh = ctx.saved_tensors
        B, T, _ = x.shape
        dgi, dgh, dh0 = backward_loop(d_out.contiguous(), d_last, prev, r, z, n, ghn, w_hh)
        dgi2, dgh2 = dgi.reshape(B * T, -1), dgh.reshape(B * T, -1)
        dx = (dgi2 @ w_ih).view(B, T, -1)
        return (dx, dh0, dgi2.t() @ x.reshape(B * T, -1), dgh2.t() @ prev.reshape(B * T, -1),
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
