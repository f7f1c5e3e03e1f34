"""The committed full-preset results, the Results page drawn from them, and the README's table."""

from __future__ import annotations

import copy
import importlib
import json
import re
import shutil

import pytest

from autograder import results, results_page, results_registry
from autograder.results_registry import SOURCES


@pytest.fixture(scope="module")
def committed():
    """The committed runs (the page needs at least one to show ours beside the source)."""
    runs = results.load_runs()
    assert runs, f"no committed result.json under {results.RESULTS_DIR}"
    return runs


def a_record(committed) -> dict:
    return copy.deepcopy(next(iter(committed.values()))[0])


def test_every_experiment_has_a_full_preset_and_a_source():
    """Can `python -m solutions.train NAME --preset full` run every experiment, and does the registry know its source?"""
    for name in results.experiments():
        module = importlib.import_module(f"solutions.experiments.{name}")
        assert "full" in module.PRESETS, f"{name} has no full preset"
        assert name in SOURCES, f"{name} has no entry in autograder/results_registry.py"


def test_page_lists_every_experiment(tmp_path, committed):
    """Does the page have a section per experiment, with ours where committed and 'not run yet' plus the command elsewhere?"""
    text = results_page.page(tmp_path, chapters=set())
    for name in results.experiments():
        assert f"({results_page.label(name)})=" in text, name
        if name in committed:
            assert "**Run on**" in text.split(f"({results_page.label(name)})=")[1].split("\n(results-")[0]
        else:
            assert f"make results NAMES={name}" in text, name
    assert "not run yet" in text.lower() or set(results.experiments()) <= set(committed)
    assert not re.search(r"\bsolutions\.\w+", text), "students do not have `solutions`: the page says `make results`"


def test_page_shows_ours_beside_the_source(tmp_path, committed):
    """For a committed experiment, does its section give the source's figure, our value, the bar, device and a figure?"""
    name, records = next(iter(committed.items()))
    section = "\n".join(results_page.experiment_section(name, records, tmp_path / "results_figures", set()))
    metric = SOURCES[name].metrics[0]
    assert results.fmt(metric.value(records[0]["result"]), metric) in section
    assert SOURCES[name].figure in section and SOURCES[name].citation in section
    assert records[0]["device"] in section and "```{figure} results_figures/" in section


def test_curves_are_at_most_600_px_wide(tmp_path, committed):
    """Is every drawn curve figure at most 600 px wide as saved (the phone-width browser test)?"""
    import matplotlib.image

    for name, records in committed.items():
        path = tmp_path / f"{name}.png"
        assert results_page.draw_curves(name, records, path)
        assert matplotlib.image.imread(path).shape[1] <= 600, name


@pytest.mark.parametrize("field", results.REQUIRED)
def test_a_record_missing_a_field_is_refused(tmp_path, committed, field):
    """Is a result.json without one of the required fields refused, naming the field?"""
    record = a_record(committed)
    del record[field]
    path = tmp_path / "run" / "result.json"
    path.parent.mkdir()
    path.write_text(json.dumps(record))
    with pytest.raises(results.ResultError, match=rf"missing field\(s\) {field}\b"):
        results.ingest([tmp_path / "run"], tmp_path / "results")
    assert not (tmp_path / "results").exists()


def test_other_presets_and_misfiled_records_are_refused(tmp_path, committed):
    """Is a cpu-preset record refused, and one filed under another experiment's folder?"""
    record = a_record(committed)
    with pytest.raises(results.ResultError, match="full presets only"):
        results.validate({**record, "preset_name": "cpu"}, "x")
    wrong = tmp_path / "not_this_one" / "full" / f"seed{record['seed']}" / "result.json"
    wrong.parent.mkdir(parents=True)
    wrong.write_text(json.dumps(record))
    with pytest.raises(results.ResultError, match="belongs in"):
        results.load_runs(tmp_path)


def test_ingest_copies_the_file_unchanged(tmp_path, committed):
    """Does ingesting a run folder copy its result.json byte for byte to results/<name>/full/seed<S>/?"""
    name, records = next(iter(committed.items()))
    source = results.RESULTS_DIR / name / "full" / f"seed{records[0]['seed']}" / "result.json"
    shutil.copytree(source.parent, tmp_path / "runs" / "somewhere")
    (copied,) = results.ingest([tmp_path / "runs"], tmp_path / "results", allow_overrides=True)
    assert copied == tmp_path / "results" / name / "full" / f"seed{records[0]['seed']}" / "result.json"
    assert copied.read_bytes() == source.read_bytes()


def test_every_seed_bar_needs_enough_seeds(committed):
    """Is a bar 'in each of 3 seeds' not met by fewer seeds, even when each passes?"""
    record = a_record(committed)
    metric = results_registry.Metric("m", results_registry.key("x"), bar=0.5, every_seed=True, min_seeds=3)
    runs = [{**record, "result": {**record["result"], "x": 0.9}}] * 2
    assert results.judge(metric, runs)[0] is False
    assert results.judge(metric, runs * 2)[0] is True
    assert results.judge(metric, runs + [{**record, "result": {**record["result"], "x": 0.1}}])[0] is False


def test_readme_table_matches_the_json():
    """Is the README's results block exactly what the committed JSON gives (`python -m autograder.results readme`)?"""
    assert results_page.update_readme(check=True), "run `python -m autograder.results readme` and commit README.md"


def test_readme_check_catches_an_edited_figure(tmp_path, committed):
    """Does the check fail once a figure in the README's block is changed by hand, and does `readme` restore it?"""
    readme = tmp_path / "README.md"
    shutil.copy(results.README, readme)
    text = readme.read_text()
    block = text.split(results.BEGIN)[1].split(results.END)[0]
    readme.write_text(text.replace(block, block.replace("seed", "seeds", 1).replace("1", "2", 1)))
    assert not results_page.update_readme(readme, check=True)
    assert not results_page.update_readme(readme)
    assert results_page.update_readme(readme, check=True)


def test_a_run_that_changed_the_preset_is_refused_unless_allowed(tmp_path, committed):
    """Is a run with `--epochs` changed refused at ingest, and, when allowed in, flagged on the page?"""
    record = a_record(committed)
    record["preset"]["epochs"] += 1
    path = tmp_path / "run" / "result.json"
    path.parent.mkdir()
    path.write_text(json.dumps(record))
    with pytest.raises(results.ResultError, match="not the full preset"):
        results.ingest([path], tmp_path / "results")
    results.ingest([path], tmp_path / "results", allow_overrides=True)
    section = "\n".join(results_page.experiment_section(record["experiment"], [record], tmp_path / "f", set()))
    assert "Not the full preset as it stands" in section and f"epochs = {record['preset']['epochs']}" in section
