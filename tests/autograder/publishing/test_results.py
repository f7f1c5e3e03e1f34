"""The committed full-preset results, the Results page drawn from them, and the README's generated tables."""

from __future__ import annotations

import copy
import importlib
import json
import re
import shutil

import pytest

from autograder.publishing import readme, results, results_page
from solutions.sources import Metric, key


@pytest.fixture(scope="module")
def committed():
    """The committed runs (the page needs at least one to show ours beside the source)."""
    runs = results.load_runs()
    assert runs, f"no committed result.json under {results.RESULTS_DIR}"
    return runs


def full_runs(committed) -> dict[str, list[dict]]:
    return {name: presets["full"] for name, presets in committed.items() if presets.get("full")}


def a_record(committed) -> dict:
    return copy.deepcopy(next(iter(full_runs(committed).values()))[0])


def test_every_experiment_declares_its_presets_chapter_and_source():
    """Does every experiment declare a full preset, its chapter, the data it reads and a source with its provenance?"""
    from seqgen.data import REGISTRY
    from solutions.sources import Source

    for name in results.experiments():
        module = importlib.import_module(f"solutions.experiments.{name}")
        assert "full" in module.PRESETS and "cpu" in module.PRESETS, f"{name} lacks a cpu or full preset"
        assert isinstance(module.SOURCE, Source), f"{name} declares no SOURCE"
        assert module.SOURCE.citation and module.SOURCE.where and module.SOURCE.measure, name
        assert (results.ROOT / "book" / module.CHAPTER / f"{module.CHAPTER}.md").is_file(), name
        assert set(module.DATA) == {"cpu", "full"}, f"{name} declares DATA for its cpu and full presets"
        read = {d for datasets in module.DATA.values() for d in datasets}
        assert read <= set(REGISTRY), f"{name} reads unregistered data {read - set(REGISTRY)}"
        assert set(module.SOURCE.variants) <= set(module.PRESETS) - {"cpu", "full"}, name


def test_a_second_registry_is_gone():
    """Is every source figure declared once, in its experiment's module (no autograder/results_registry.py)?"""
    assert not (results.ROOT / "autograder" / "results_registry.py").exists()
    assert not list((results.ROOT / "autograder").rglob("results_registry.py"))


def test_page_lists_every_experiment(tmp_path, committed):
    """Does the page have a section per experiment, with ours where committed and 'not run yet' plus the command elsewhere?"""
    text = results_page.page(tmp_path, chapters=set())
    for name in results.experiments():
        assert f"({results_page.label(name)})=" in text, name
        if committed.get(name, {}).get("full"):
            assert "**Run on**" in text.split(f"({results_page.label(name)})=")[1].split("\n(results-")[0]
        else:
            assert f"make results NAMES={name}" in text, name
    assert "not run yet" in text.lower() or set(results.experiments()) <= set(full_runs(committed))
    assert not re.search(r"\bsolutions\.\w+", text), "students do not have `solutions`: the page says `make results`"


def test_page_shows_ours_beside_the_source(tmp_path, committed):
    """For a committed experiment, does its section give the source's figure, our value, the bar, device and a figure?"""
    name, records = next(iter(full_runs(committed).items()))
    section = "\n".join(results_page.experiment_section(name, records, tmp_path / "results_figures", set()))
    source = results.source_of(name)
    metric = source.metrics[0]
    assert results.fmt(metric.value(records[0]["result"]), metric) in section
    assert source.figure in section and source.citation in section and source.where in section
    assert source.measure in section
    assert records[0]["device"] in section and "```{figure} results_figures/" in section


def test_curves_are_at_most_600_px_wide(tmp_path, committed):
    """Is every drawn curve figure at most 600 px wide as saved (the phone-width browser test)?"""
    import matplotlib.image

    for name, records in full_runs(committed).items():
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
    name, records = next(iter(full_runs(committed).items()))
    source = results.RESULTS_DIR / name / "full" / f"seed{records[0]['seed']}" / "result.json"
    if not source.exists():
        pytest.skip("the first committed run is stored in parts")
    (tmp_path / "runs" / "somewhere").mkdir(parents=True)
    shutil.copy(source, tmp_path / "runs" / "somewhere" / "result.json")
    (copied,) = results.ingest([tmp_path / "runs"], tmp_path / "results", allow_overrides=True)
    assert copied == tmp_path / "results" / name / "full" / f"seed{records[0]['seed']}" / "result.json"
    assert copied.read_bytes() == source.read_bytes()


def test_every_seed_bar_needs_enough_seeds(committed):
    """Is a bar 'in each of 3 seeds' not met by fewer seeds, even when each passes?"""
    record = a_record(committed)
    metric = Metric("m", key("x"), bar=0.5, every_seed=True, min_seeds=3)
    runs = [{**record, "result": {**record["result"], "x": 0.9}}] * 2
    assert results.judge(metric, runs)[0] is False
    assert results.judge(metric, runs * 2)[0] is True
    assert results.judge(metric, runs + [{**record, "result": {**record["result"], "x": 0.1}}])[0] is False


def test_readme_tables_match_the_code_and_the_json():
    """Are the README's generated blocks (experiments, data, results) exactly what the code and JSON give?"""
    assert readme.update(check=True), "run `python -m autograder.publishing.readme` and commit README.md"


@pytest.mark.parametrize("block", sorted(readme.BLOCKS))
def test_readme_check_catches_an_edited_block(tmp_path, committed, block):
    """Does the check fail once a block of the README is changed by hand, and does the rewrite restore it?"""
    path = tmp_path / "README.md"
    shutil.copy(results.README, path)
    text = path.read_text()
    begin, end = readme.markers(block)
    inner = text.split(begin)[1].split(end)[0]
    path.write_text(text.replace(inner, inner.replace("|", "| x", 1)))
    assert not readme.update(path, check=True)
    assert not readme.update(path)
    assert readme.update(path, check=True) and path.read_text() == text


def test_a_new_experiment_shows_up_in_the_experiments_table(monkeypatch):
    """Would an experiment added to solutions/experiments appear in the README's table without editing the README?"""
    monkeypatch.setattr(readme, "experiments", lambda: results.experiments() + ["charrnn"])
    assert sum("`charrnn`" in line for line in readme.experiments_block()) == 2


def test_runs_of_disjoint_variants_are_read_as_one_seed(tmp_path, committed):
    """Are two records of one seed, each of some variants, merged into one run, and overlapping ones refused?"""
    base = copy.deepcopy(full_runs(committed)["seq2seq"][0])
    name, seed = base["experiment"], base["seed"]
    for variants, value in ((["baseline"], 0.1), (["reverse", "reverse+peeky"], 0.5)):
        part = copy.deepcopy(base)
        part["preset"]["variants"] = variants
        part["result"] = {"history": {v: [value] for v in variants}, **{f"{v}_exact_match": value for v in variants}}
        folder = tmp_path / name / "full" / f"seed{seed}" / "+".join(variants)
        folder.mkdir(parents=True)
        (folder / "result.json").write_text(json.dumps(part))
    (merged,) = results.load_runs(tmp_path)[name]["full"]
    assert merged["preset"]["variants"] == ["baseline", "reverse", "reverse+peeky"]
    assert set(merged["result"]["history"]) == {"baseline", "reverse", "reverse+peeky"}
    assert merged["result"]["baseline_exact_match"] == 0.1 and "variants" not in results.preset_overrides(merged)
    (tmp_path / name / "full" / f"seed{seed}" / "again").mkdir()
    (tmp_path / name / "full" / f"seed{seed}" / "again" / "result.json").write_text(json.dumps(part))
    with pytest.raises(results.ResultError, match="disjoint variants"):
        results.load_runs(tmp_path)


def test_a_variant_preset_is_reported_and_never_judged(committed):
    """Are the course's own variants (e.g. the 2-layer stateful model) shown without the source's bar?"""
    records = committed["stateful_charrnn"]["course"]
    assert results.summary("stateful_charrnn", records, "course").startswith("reported")
    assert all("not the source's settings" in row[3] for row in results.metric_rows("stateful_charrnn", records, "course"))


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
