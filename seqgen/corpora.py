"""Readers that turn registry files into lists of documents.

Each reader returns plain Python strings or records; tokenization is the
chapters' business (and an exercise in chapter 2).
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass

from . import data

_ENTITY = re.compile(r" ?#(\d+);")


def clean_ag_text(text: str) -> str:
    """Undo AG News's escaping: ``#36;`` -> ``$``, ``\\`` line breaks -> spaces."""
    text = _ENTITY.sub(lambda m: html.unescape(f"&#{m.group(1)};"), text)
    text = text.replace("\\", " ")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


@dataclass(frozen=True)
class NewsItem:
    label: int  # 0..3, index into ag_news_classes()
    title: str
    description: str


def ag_news() -> list[NewsItem]:
    """The AG News test split: 7,600 items with labels 0..3."""
    with open(data.path("ag_news_test"), newline="", encoding="utf-8") as fh:
        return [
            NewsItem(int(label) - 1, clean_ag_text(title), clean_ag_text(desc))
            for label, title, desc in csv.reader(fh)
        ]


def ag_news_classes() -> list[str]:
    return data.read_text("ag_news_classes").split()


def _recipe_text(record: dict) -> str | None:
    title, directions = record.get("title"), record.get("directions")
    if not title or not directions:
        return None
    return "Recipe for " + title.strip() + " | " + " ".join(d.strip() for d in directions)


def recipes(name: str = "epirecipes") -> list[str]:
    """Recipes as ``'Recipe for <title> | <directions>'`` strings.

    ``name`` is ``'epirecipes'`` (the full Kaggle file, if you have it) or
    ``'recipes_excerpt'`` (29 records, for trying the loader).
    """
    with open(data.path(name), encoding="utf-8") as fh:
        records = json.load(fh)
    return [t for t in map(_recipe_text, records) if t is not None]


WINE_FIELDS = ("country", "province", "variety", "description")


def wine_records(name: str = "wine_reviews_5k") -> list[dict]:
    """Wine review records with the fields ``WINE_FIELDS`` (missing ones as ``""``), in file order.

    ``name`` is ``'wine_reviews_5k'`` (the 5,000-row CSV subset) or ``'wine_reviews_130k'``
    (Kaggle's full ``winemag-data-130k-v2.json``, if you have it).
    """
    path = data.path(name)
    if path.suffix == ".json":
        with open(path, encoding="utf-8") as fh:
            rows = json.load(fh)
    else:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    return [{f: (r.get(f) or "") for f in WINE_FIELDS} for r in rows]


def wine_review_text(record: dict) -> str:
    """``'wine review : <country> : <province> : <variety> : <description>'``, the source notes' layout."""
    return "wine review : " + " : ".join(record[f] for f in WINE_FIELDS)


def wine_reviews(name: str = "wine_reviews_5k") -> list[str]:
    """Wine reviews as ``'wine review : <country> : <province> : <variety> : <description>'`` (those with a description)."""
    return [wine_review_text(r) for r in wine_records(name) if r["description"]]
