"""The trainer's command line: experiment discovery and preset overrides."""

from __future__ import annotations

import json

import pytest
import torch

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


def test_save_writes_the_record_and_the_curves(monkeypatch, tmp_path):
    """Does --save write result.json (preset, metrics, history) and a curves.png with one panel per metric?"""
    import json

    from seqgen.plot import history_panels
    from solutions.experiments import lstm_lm

    history = {"loss": [5.0, 4.0], "val_loss": [5.1, 4.4], "val_perplexity": [160.0, 81.0], "tok_per_s": [1e4, 1e4]}
    monkeypatch.setattr(lstm_lm, "run", lambda preset, device: {"val_perplexity": 81.0, "history": history})
    train.main(["lstm_lm", "--device", "cpu", "--epochs", "2", "--save", str(tmp_path / "run")])
    record = json.loads((tmp_path / "run" / "result.json").read_text())
    assert record["experiment"] == "lstm_lm" and record["preset"]["epochs"] == 2
    assert record["result"]["history"] == history and record["seconds"] >= 0
    assert record["seed"] == lstm_lm.PRESETS["cpu"].seed and record["device"] == "cpu"
    assert record["date"].startswith("20") and record["versions"]["torch"] == torch.__version__
    assert record["cpu_count"] >= 1 and record["argv"][0] == "lstm_lm"
    assert (tmp_path / "run" / "curves.png").stat().st_size > 10_000
    assert history_panels(history) == {"loss": {"train": [5.0, 4.0], "validation": [5.1, 4.4]},
                                             "perplexity": {"validation": [160.0, 81.0]}}


def test_seq2seq_plots_the_variants_side_by_side():
    """Does the addition experiment put the three variants on one exact-match panel and one loss panel?"""
    result = {"history": {"baseline": [0.1], "reverse": [0.5]}, "loss": {"baseline": [1.0], "reverse": [0.5]}}
    assert experiment.curves(result) == {"exact match": result["history"], "training loss": result["loss"]}


def test_set_overrides_any_field_with_its_type(monkeypatch):
    """Does --set FIELD=VALUE reach run() typed as the field (tuple, bool, str), and is a field that does not exist refused?"""
    seen = {}
    monkeypatch.setattr(experiment, "run", lambda preset, device: seen.update(preset=preset) or {})
    train.main(["seq2seq", "--preset", "full", "--device", "cpu", "--set", "variants=reverse,reverse+peeky",
                "--set", "data=book", "--set", "one_bias=true", "--set", "lr=0.01"])
    preset = seen["preset"]
    assert preset.variants == ("reverse", "reverse+peeky") and preset.data == "book"
    assert preset.one_bias is True and preset.lr == 0.01 and preset.epochs == experiment.PRESETS["full"].epochs
    train.main(["seq2seq", "--preset", "full", "--device", "cpu", "--set", "one_bias=false"])
    assert seen["preset"].one_bias is False
    for bad in ("colour=red", "one_bias=maybe", "epochs"):
        with pytest.raises(SystemExit):
            train.main(["seq2seq", "--preset", "full", "--set", bad])


def tiny_regression():
    """A linear model on y = 2x, with one batch of 8 points per epoch."""
    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 8)[:, None]
    model = torch.nn.Linear(1, 1)
    loss_fn = lambda m, batch: (torch.nn.functional.mse_loss(m(batch[0]), batch[1]), len(batch[0]))  # noqa: E731
    return model, (lambda epoch: [(x, 2 * x)]), loss_fn


def test_fit_takes_the_optimiser_and_the_schedule():
    """Does fit build the optimiser the experiment gives, and set every step's learning rate from the schedule?"""
    model, data, loss_fn = tiny_regression()
    seen = []

    class Recording(torch.optim.SGD):
        def step(self, closure=None):
            seen.append(self.param_groups[0]["lr"])
            return super().step(closure)

    train.fit(model, data, loss_fn, epochs=3, device=torch.device("cpu"),
              optimizer=lambda params: Recording(params, lr=0.5), schedule=lambda step: 0.1 * (step + 1))
    assert seen == pytest.approx([0.1, 0.2, 0.3])


def test_early_stopping_stops_and_keeps_the_best_weights():
    """Does the stop hook end training after `patience` epochs without a better value, and restore the best weights?"""
    model, data, loss_fn = tiny_regression()
    scores = iter([3.0, 1.0, 2.0, 2.5, 0.5])  # best after epoch 2, then two worse epochs: stop after epoch 4
    weights = []
    early = train.EarlyStopping("val_loss", patience=2)

    def evaluate(m):
        weights.append(m.weight.detach().clone())
        return {"val_loss": next(scores)}

    history = train.fit(model, data, loss_fn, epochs=5, lr=0.1, device=torch.device("cpu"), evaluate=evaluate, stop=early)
    assert history["val_loss"] == [3.0, 1.0, 2.0, 2.5]
    assert not torch.equal(model.weight, weights[1])
    early.restore(model)
    assert torch.equal(model.weight, weights[1])


def test_set_reads_numbers_for_fields_that_default_to_none():
    """Does --set turn '12' into 12 and 'none' into None for a field whose default is None (n_chars, limit)?"""
    from solutions.experiments.gpt_shakespeare_char import PRESETS

    preset = train.override(PRESETS["full"], ["n_chars=12000", "ff_dim=none"])
    assert preset.n_chars == 12000 and preset.ff_dim is None


def test_save_writes_the_progress_after_every_epoch(tmp_path, monkeypatch):
    """With --save, does fit write DIR/progress.json after each epoch, so that a run cut short still says how far it got?"""
    model, data, loss_fn = tiny_regression()

    def fake_run(preset, device):
        train.fit(model, data, loss_fn, epochs=2, device=device, desc="tiny")
        assert json.loads((tmp_path / "progress.json").read_text())["epochs_done"] == 2
        return {"history": {}, "loss": {}}

    monkeypatch.setattr(experiment, "run", fake_run)
    train.main(["seq2seq", "--preset", "cpu", "--device", "cpu", "--save", str(tmp_path)])
    progress = json.loads((tmp_path / "progress.json").read_text())
    assert progress["part"] == "tiny" and len(progress["history"]["loss"]) == 2
