"""The dataset registry: cache, mirrors, downloads, checksums and clear errors."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import zipfile
from dataclasses import replace

import pytest

from seqgen import data


@pytest.fixture
def fake_dataset(tmp_path, monkeypatch):
    """A registry entry for a small file, with an empty cache and no mirror."""
    payload = b"to be or not to be\n"
    ds = data.Dataset(
        name="tiny", folder="tiny", filename="tiny.txt", url=None,
        sha256=hashlib.sha256(payload).hexdigest(), size=len(payload),
        description="test", license="test",
    )
    monkeypatch.setitem(data.REGISTRY, "tiny", ds)
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    return ds, payload


def test_mirror_hit_returns_the_mirror_file(fake_dataset, tmp_path, monkeypatch):
    """Is a verified file in a mirror folder used as it is, without copying or downloading?"""
    ds, payload = fake_dataset
    mirror = tmp_path / "mirror"
    (mirror / "tiny").mkdir(parents=True)
    (mirror / "tiny" / "tiny.txt").write_bytes(payload)
    monkeypatch.setenv(data.MIRROR_ENV, f"{tmp_path / 'nowhere'}:{mirror}")
    assert data.available("tiny")
    assert data.path("tiny") == mirror / "tiny" / "tiny.txt"
    assert not (tmp_path / "cache").exists()


def test_checksum_mismatch_names_both_hashes(fake_dataset, tmp_path, monkeypatch):
    """Does a mirror file with the wrong content fail loudly, naming expected and actual sha256?"""
    ds, _ = fake_dataset
    mirror = tmp_path / "mirror"
    (mirror / "tiny").mkdir(parents=True)
    (mirror / "tiny" / "tiny.txt").write_bytes(b"something else\n")
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.ChecksumError) as err:
        data.path("tiny")
    assert ds.sha256 in str(err.value)
    assert hashlib.sha256(b"something else\n").hexdigest() in str(err.value)


def test_missing_file_offline_says_where_to_put_it(fake_dataset, tmp_path, monkeypatch):
    """When the download fails, does the error name the file, its URL, the cache path and the mirror variable?"""
    ds, _ = fake_dataset
    monkeypatch.setitem(data.REGISTRY, "tiny", replace(ds, url="https://example.invalid/tiny.txt"))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("network unreachable")

    monkeypatch.setattr(data.urllib.request, "urlopen", offline)
    with pytest.raises(data.DatasetError) as err:
        data.path("tiny")
    message = str(err.value)
    assert "tiny.txt" in message and "https://example.invalid/tiny.txt" in message
    assert str(tmp_path / "cache" / "tiny" / "tiny.txt") in message
    assert data.MIRROR_ENV in message


def test_file_without_public_copy_is_never_downloaded(monkeypatch, tmp_path):
    """Does a Kaggle-only file (no URL) raise with its source page instead of guessing another dataset?"""
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))
    monkeypatch.setenv(data.MIRROR_ENV, str(tmp_path / "empty"))
    assert not data.available("epirecipes")
    with pytest.raises(data.DatasetError, match="kaggle.com/datasets/hugodarwood/epirecipes"):
        data.path("epirecipes")


def test_download_verifies_and_caches(fake_dataset, tmp_path, monkeypatch):
    """Is a download checked, kept in the cache, and found there the next time?"""
    ds, payload = fake_dataset
    source = tmp_path / "served.txt"
    source.write_bytes(payload)
    monkeypatch.setitem(data.REGISTRY, "tiny", replace(ds, url=source.as_uri()))
    got = data.path("tiny")
    assert got == tmp_path / "cache" / "tiny" / "tiny.txt" and got.read_bytes() == payload
    source.unlink()  # a second call must not need the source any more
    assert data.path("tiny") == got


def test_download_with_wrong_content_is_not_kept(fake_dataset, tmp_path, monkeypatch):
    """Is a corrupted download rejected and removed, so a retry starts clean?"""
    ds, _ = fake_dataset
    source = tmp_path / "served.txt"
    source.write_bytes(b"corrupted\n")
    monkeypatch.setitem(data.REGISTRY, "tiny", replace(ds, url=source.as_uri()))
    with pytest.raises(data.ChecksumError):
        data.path("tiny")
    assert not list((tmp_path / "cache" / "tiny").glob("*"))


def test_zip_member_is_extracted(fake_dataset, tmp_path, monkeypatch):
    """Is the named member of a zip archive extracted and checked (as for fra-eng.zip)?"""
    ds, payload = fake_dataset
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("README", "other file")
        zf.writestr("tiny.txt", payload)
    monkeypatch.setitem(data.REGISTRY, "tiny", replace(ds, url=archive.as_uri(), member="tiny.txt"))
    assert data.path("tiny").read_bytes() == payload


def test_unknown_name_lists_known_datasets():
    """Does a typo in a dataset name list the names that exist?"""
    with pytest.raises(KeyError, match="tinyshakespeare"):
        data.info("tiny_shakespeare")


@pytest.mark.parametrize("name", [n for n, d in data.REGISTRY.items() if d.sha256 and not d.optional])
def test_registry_matches_the_offline_mirror(name):
    """Does every registered file with a checksum that the course needs verify against the shared mirror copy?"""
    if not data.mirror_dirs():
        pytest.skip("no mirror configured")
    path = data.path(name, download=False)
    assert path.stat().st_size == data.info(name).size
