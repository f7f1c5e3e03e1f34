"""`make gpu-check`, run on the CPU with tiny presets: every step writes its JSON, and the model check can fail."""

from __future__ import annotations

import json

import torch

from solutions import gpu_check


def test_the_script_runs_end_to_end_on_a_cpu_with_tiny_presets(tmp_path):
    """Does `gpu_check --tiny` check every model, train the nanoGPT preset and time an epoch of every other, in JSON?"""
    code = gpu_check.main(["--tiny", "--device", "cpu", "--out", str(tmp_path / "gpu"), "--results", str(tmp_path / "results"),
                           "--budget", "400", "--only", "stateful_charrnn", "seq2seq"])
    assert code == 0
    models = json.loads((tmp_path / "gpu" / "models.json").read_text())["models"]
    assert set(models) == set(gpu_check.small_models()) and all(m["ok"] for m in models.values())
    record = json.loads((tmp_path / "results" / "gpt_shakespeare_char" / "full" / "seed0" / "result.json").read_text())
    assert record["preset_name"] == "full" and record["result"]["val_loss"] > 0
    gpt = json.loads((tmp_path / "gpu" / "epochs.json").read_text())["gpt_shakespeare_char"]
    assert gpt["best_val_loss"] == record["result"]["best_val_loss"] and gpt["bar_met"] is False  # 20 tiny iterations
    epochs = json.loads((tmp_path / "gpu" / "epochs.json").read_text())
    assert set(epochs["presets"]) == {"stateful_charrnn", "seq2seq"}
    for name, run in epochs["presets"].items():
        assert run["status"] == "ok", (name, run["log_tail"])
        full = gpu_check.importlib.import_module(f"solutions.experiments.{name}").PRESETS["full"]
        assert run["projected_seconds"] == run["seconds_per_epoch"] * full.epochs > 0


def test_every_experiment_and_model_is_in_the_check():
    """Does the script time every experiment but nanoGPT's (which it runs whole), with a tiny form of each for this test?"""
    from solutions.train import experiments

    assert sorted(gpu_check.OTHERS + ["gpt_shakespeare_char"]) == experiments() == sorted(gpu_check.TINY)


def test_the_model_check_fails_when_the_device_computes_otherwise(monkeypatch):
    """Is a model whose float32 run differs from its float64 run (as a wrong device kernel would) reported?"""

    class Skewed(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.ones(3))

        def forward(self, x):
            return (self.w * x).sum() * (1.01 if x.dtype == torch.float32 else 1.0)

    monkeypatch.setattr(gpu_check, "small_models", lambda: {
        "skewed": (Skewed(), torch.ones(3), lambda m, x: m(x.to(m.w.dtype))),
        "fine": (torch.nn.Linear(3, 1), torch.ones(2, 3), lambda m, x: m(x.to(m.weight.dtype)).sum())})
    report = gpu_check.agree(torch.device("cpu"))
    assert not report["skewed"]["ok"] and report["fine"]["ok"]
