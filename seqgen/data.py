"""Dataset registry: where each file comes from, how to check it, where it is kept.

``path(name)`` finds a dataset's file in this order:

1. the cache folder (``$SEQGEN_CACHE``, default ``~/.cache/seqgen``);
2. each mirror folder named in ``$SEQGEN_DATA_MIRROR`` (several may be given,
   separated by ``os.pathsep``), laid out as ``<mirror>/<folder>/<file>``;
3. the canonical URL, downloaded with a progress bar into the cache.

Every file is checked against its recorded sha256 wherever it is found. When no
source works the error names the file, its URL and where to put it: there is no
silent fallback to another dataset.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tqdm.auto import tqdm

MIRROR_ENV = "SEQGEN_DATA_MIRROR"
CACHE_ENV = "SEQGEN_CACHE"


class DatasetError(RuntimeError):
    """A dataset file could not be found, fetched or verified."""


class ChecksumError(DatasetError):
    """A file was found but its content is not the one recorded."""


@dataclass(frozen=True)
class Dataset:
    """One file of a public dataset.

    ``url`` is the canonical download; when it points at a zip archive, ``member``
    names the file inside it. ``sha256`` and ``size`` describe the file itself
    (after extraction). ``sha256=None`` marks a file with no pinned public copy:
    it is read if you have it and never downloaded.
    """

    name: str
    folder: str
    filename: str
    url: str | None
    sha256: str | None
    size: int | None
    description: str
    license: str
    member: str | None = None
    homepage: str | None = None
    optional: bool = False  # the course has a fallback (Fashion-MNIST -> scikit-learn's digits)


_GH = "https://raw.githubusercontent.com"

REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            name="tinyshakespeare",
            folder="tinyshakespeare",
            filename="input.txt",
            url=f"{_GH}/karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/input.txt",
            sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
            size=1115394,
            description="About 1 MB of Shakespeare's plays (Karpathy's char-rnn).",
            license="public-domain text; repository README states MIT",
        ),
        Dataset(
            name="dlfs2_addition",
            folder="dlfs2",
            filename="addition.txt",
            url=f"{_GH}/oreilly-japan/deep-learning-from-scratch-2/842ae31c2bb070f5116275606ed90396626a2c17/dataset/addition.txt",
            sha256="34e0746f5014c11311c9452ee9050bf14e38eca44ec4aaf4d81eba2b38674009",
            size=650000,
            description="50,000 addition problems of Deep Learning from Scratch 2 (format reference).",
            license="MIT (c) 2018 Koki Saitoh",
        ),
        Dataset(
            name="dlfs2_date",
            folder="dlfs2",
            filename="date.txt",
            url=f"{_GH}/oreilly-japan/deep-learning-from-scratch-2/842ae31c2bb070f5116275606ed90396626a2c17/dataset/date.txt",
            sha256="62e66a301ce8537868e725512d2a45663fc366526b7e42028cb703bda2b1c79a",
            size=2050000,
            description="50,000 written dates and their ISO form, Deep Learning from Scratch 2 (format reference).",
            license="MIT (c) 2018 Koki Saitoh",
        ),
        Dataset(
            name="fra_eng",
            folder="fra-eng",
            filename="fra.txt",
            url="http://storage.googleapis.com/download.tensorflow.org/data/fra-eng.zip",
            member="fra.txt",
            sha256="0bb85dbaa1c896844649094d7eaf2e34bee34e84fe362b26ce7e8f2e12aae104",
            size=11669748,
            description="English-French sentence pairs from Tatoeba via manythings.org (2019-04-07, two columns).",
            license="CC-BY 2.0 (www.manythings.org/anki and tatoeba.org)",
            homepage="https://www.manythings.org/anki/",
        ),
        Dataset(
            name="ag_news_test",
            folder="ag_news",
            filename="test.csv",
            url=f"{_GH}/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv",
            sha256="d2a2cef4dfeb21ca17b463fd15e9e5a639c05823d03efabb3d28a75bbfe8d915",
            size=1857426,
            description="AG News topic classification, test split: 7,600 (class, title, description) rows.",
            license="research and non-commercial use (AG's corpus readme)",
        ),
        Dataset(
            name="ag_news_classes",
            folder="ag_news",
            filename="classes.txt",
            url=f"{_GH}/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/classes.txt",
            sha256="612dbfa932f07a6ed837295a7d5746ce7412e7bb4bc32ba919fdb3cda3a1b9b5",
            size=31,
            description="AG News class names, one per line (World, Sports, Business, Sci/Tech).",
            license="research and non-commercial use (AG's corpus readme)",
        ),
        Dataset(
            name="wine_reviews_5k",
            folder="wine-reviews",
            filename="wine-reviews-5K.csv",
            url=f"{_GH}/es-comunidad-intersystems/webinar-iris-vector-rag/4e8d033d21766221d8aca6d9804539924286bdcb/data/wine-reviews-5K.csv",
            sha256="3742eca47fe6c25c9e1a15343211d5d86644a05ebf118af0c8d0b3a43a9e0ea2",
            size=1699617,
            description="The first 5,000 rows of the Kaggle wine reviews (winemag 150k file).",
            license="Kaggle zynicide/wine-reviews",
        ),
        Dataset(
            name="wine_reviews_130k",
            folder="wine-reviews",
            filename="winemag-data-130k-v2.json",
            url=None,
            sha256=None,
            size=None,
            description="About 130,000 Kaggle wine reviews (winemag-data-130k-v2.json), the file the source notes "
                        "train their GPT on. Kaggle needs a login, so it is never downloaded: fetch it from the "
                        "source page and put it in the cache or a mirror; without it the course uses wine_reviews_5k.",
            license="Kaggle zynicide/wine-reviews",
            homepage="https://www.kaggle.com/datasets/zynicide/wine-reviews",
            optional=True,
        ),
        Dataset(
            name="recipes_excerpt",
            folder="recipes",
            filename="full_format_recipes_first29.json",
            url=f"{_GH}/learn-co-students/module-one-final-project-guidelines-chicago-web-062419/3fb04d038b93ce730f629be6b6aa4b98c7e49e2b/full_format_recipes.json",
            sha256="298ab54f39f9c9e5a434cfd3bf9ca7e192bbf0f44dcdcb15d0a4edc6acef669e",
            size=47659,
            description="The first 29 Epicurious recipes, all fields: enough to test the loader, not to train.",
            license="recipe text from Epicurious; Learn.co educational content license",
        ),
        Dataset(
            name="fashion_mnist_train_images",
            folder="fashion-mnist",
            filename="train-images-idx3-ubyte.gz",
            url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz",
            sha256="3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            size=26421880,
            description="Fashion-MNIST training images: 60,000 28x28 grey images (IDX, gzip).",
            license="MIT (c) 2017 Zalando SE",
            homepage="https://github.com/zalandoresearch/fashion-mnist",
            optional=True,
        ),
        Dataset(
            name="fashion_mnist_test_images",
            folder="fashion-mnist",
            filename="t10k-images-idx3-ubyte.gz",
            url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-images-idx3-ubyte.gz",
            sha256="346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            size=4422102,
            description="Fashion-MNIST test images: 10,000 28x28 grey images (IDX, gzip).",
            license="MIT (c) 2017 Zalando SE",
            homepage="https://github.com/zalandoresearch/fashion-mnist",
            optional=True,
        ),
        Dataset(
            name="epirecipes",
            folder="epirecipes",
            filename="full_format_recipes.json",
            url=None,
            sha256=None,
            size=None,
            description="Epicurious recipes, about 20,000 records (Kaggle 'epirecipes').",
            license="Kaggle hugodarwood/epirecipes",
            homepage="https://www.kaggle.com/datasets/hugodarwood/epirecipes",
        ),
    ]
}


def cache_dir() -> Path:
    """The folder downloads are kept in (``$SEQGEN_CACHE`` or ``~/.cache/seqgen``)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "seqgen")


def mirror_dirs() -> list[Path]:
    """The mirror folders named by ``$SEQGEN_DATA_MIRROR``, in order."""
    raw = os.environ.get(MIRROR_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def info(name: str) -> Dataset:
    """The registry entry for ``name``; a clear error lists the known names."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown dataset {name!r}; known datasets: {known}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _verified(path: str, mtime_ns: int, size: int, expected: str) -> bool:
    return sha256_of(Path(path)) == expected


def _check(ds: Dataset, path: Path) -> Path:
    if ds.sha256 is None:
        return path
    stat = path.stat()
    if not _verified(str(path), stat.st_mtime_ns, stat.st_size, ds.sha256):
        raise ChecksumError(
            f"{path} is not the expected {ds.filename} for dataset {ds.name!r}: "
            f"expected sha256 {ds.sha256}, got {sha256_of(path)}. "
            f"Delete it (or fix the mirror) so the registry can fetch a good copy."
        )
    return path


def _candidates(ds: Dataset) -> list[Path]:
    return [cache_dir() / ds.folder / ds.filename] + [
        m / ds.folder / ds.filename for m in mirror_dirs()
    ]


def available(name: str) -> bool:
    """Is the file already on this machine (cache or mirror), without downloading?"""
    ds = info(name)
    return any(p.is_file() for p in _candidates(ds))


def _download(ds: Dataset, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(ds.url, timeout=60) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        buffer = io.BytesIO()
        with tqdm(total=total, unit="B", unit_scale=True, desc=f"download {ds.name}") as bar:
            for block in iter(lambda: response.read(1 << 16), b""):
                buffer.write(block)
                bar.update(len(block))
    payload = buffer.getvalue()
    if ds.member is not None:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            payload = archive.read(ds.member)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{ds.filename}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    actual = sha256_of(Path(tmp))
    if ds.sha256 is not None and actual != ds.sha256:
        os.unlink(tmp)
        raise ChecksumError(
            f"downloaded {ds.url} but its {ds.filename} has sha256 {actual}, "
            f"expected {ds.sha256}; the file was not kept."
        )
    shutil.move(tmp, target)


def _where_to_put_it(ds: Dataset) -> str:
    cache_target = cache_dir() / ds.folder / ds.filename
    lines = [f"dataset {ds.name!r} ({ds.filename}) is not on this machine."]
    if ds.url:
        lines.append(f"  Download it from {ds.url}" + (f" (file {ds.member} inside the zip)" if ds.member else ""))
    if ds.homepage:
        lines.append(f"  Source page: {ds.homepage}")
    lines.append(f"  Then put it at {cache_target}")
    lines.append(
        f"  or at <mirror>/{ds.folder}/{ds.filename} with {MIRROR_ENV}=<mirror> "
        f"(currently {os.environ.get(MIRROR_ENV) or 'unset'})."
    )
    return "\n".join(lines)


def path(name: str, download: bool = True) -> Path:
    """Local path of the dataset file ``name``, verified; downloads if needed.

    Raises :class:`DatasetError` with instructions when the file is nowhere to be
    found, and :class:`ChecksumError` when a copy has the wrong content.
    """
    ds = info(name)
    for candidate in _candidates(ds):
        if candidate.is_file():
            return _check(ds, candidate)
    if not download or ds.url is None:
        raise DatasetError(_where_to_put_it(ds))
    target = cache_dir() / ds.folder / ds.filename
    try:
        _download(ds, target)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise DatasetError(f"could not download: {exc}\n" + _where_to_put_it(ds)) from exc
    return target


def read_text(name: str, encoding: str = "utf-8") -> str:
    """The whole file as text (no stripping: some formats pad lines with spaces)."""
    return path(name).read_text(encoding=encoding)
