"""The trainer's command line: experiment discovery and preset overrides."""

from __future__ import annotations

import pytest

from solutions import train
from solutions.experiments import seq2seq as experiment


def test_experiments_are_discovered():
    """Does the trainer list every module in solutions/experiments, chapter 6's seq2seq included?"""
    assert {"lstm_lm", "charrnn", "stateful_charrnn", "seq2seq", "char_seq2seq"} <= set(train.experiments())


def test_epochs_and_seed_override_the_preset(monkeypatch):
    """Do --epochs and --seed reach run() as a copy of the preset with only those fields changed?"""
    seen = {}

    def fake_run(preset, device):
        seen["preset"], seen["device"] = preset, device
        return {"exact_match": 0.5}

    monkeypatch.setattr(experiment, "run", fake_run)
    train.main(["seq2seq", "--preset", "full", "--device", "cpu", "--epochs", "3", "--seed", "7"])
    full = experiment.PRESETS["full"]
    assert (seen["preset"].epochs, seen["preset"].seed) == (3, 7)
    assert (seen["preset"].n_train, seen["preset"].hidden) == (full.n_train, full.hidden)
    assert (full.epochs, full.seed) == (25, 0), "the preset itself must stay unchanged"
    assert str(seen["device"]) == "cpu"


def test_unknown_preset_is_refused(capsys):
    """Does asking for a preset that does not exist fail with the names of the ones that do?"""
    with pytest.raises(SystemExit):
        train.main(["seq2seq", "--preset", "huge"])
    assert "['cpu', 'full']" in capsys.readouterr().err
