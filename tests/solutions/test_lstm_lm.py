"""The reference LSTM language model and its trainer."""

from dataclasses import replace

import torch

from solutions.experiments import lstm_lm as experiment
from solutions.lstm_lm import LSTMLanguageModel, LSTMLMConfig


def test_forward_shapes_and_device(device):
    """Does the model map (B, T) ids to (B, T, V) logits on the device of its input?"""
    model = LSTMLanguageModel(LSTMLMConfig(vocab_size=50, embed_dim=8, hidden=16)).to(device)
    logits, (h, c) = model(torch.randint(0, 50, (3, 7), device=device))
    assert logits.shape == (3, 7, 50) and h.shape == (1, 3, 16)
    assert logits.device.type == device.type


def test_stepwise_state_equals_full_sequence():
    """Does feeding tokens one at a time with the carried state give the same logits as one pass?"""
    torch.manual_seed(0)
    model = LSTMLanguageModel(LSTMLMConfig(vocab_size=20, embed_dim=4, hidden=8)).eval()
    ids = torch.randint(0, 20, (2, 6))
    full, _ = model(ids)
    state, steps = None, []
    for t in range(6):
        out, state = model(ids[:, t : t + 1], state)
        steps.append(out)
    torch.testing.assert_close(torch.cat(steps, 1), full)


def test_generate_extends_prompt_and_is_seeded(device):
    """Does generate() append tokens, leave no autograd graph, and repeat itself under one seed?"""
    model = LSTMLanguageModel(LSTMLMConfig(vocab_size=30, embed_dim=4, hidden=8)).to(device)
    prompt = torch.tensor([[3, 4]], device=device)
    a = model.generate(prompt, 10, 1.0, generator=torch.Generator(device=device).manual_seed(0))
    b = model.generate(prompt, 10, 1.0, generator=torch.Generator(device=device).manual_seed(0))
    assert a.shape == (1, 12) and torch.equal(a, b) and not a.requires_grad
    assert torch.equal(a[:, :2], prompt)


def test_training_lowers_validation_perplexity(device):
    """Does one epoch of the real trainer on AG News lower validation perplexity well below uniform?"""
    preset = replace(experiment.PRESETS["cpu"], vocab_size=500, seq_len=16, epochs=1, batch_size=128, hidden=32, embed_dim=16)
    result = experiment.run(preset, device)
    assert result["val_perplexity"] < 0.5 * 500, result["val_perplexity"]
    assert result["history"]["loss"][-1] < torch.log(torch.tensor(500.0)).item()
