"""Corpus readers on the real file formats (from the offline mirror)."""

import pytest

from seqgen import corpora, data

pytestmark = pytest.mark.skipif(not data.mirror_dirs(), reason="needs the data mirror")


def test_ag_news_is_cleaned_and_labelled():
    """Are all 7,600 AG News items read, with labels 0..3 and entities like #36; undone?"""
    items = corpora.ag_news()
    assert len(items) == 7600
    assert {it.label for it in items} == {0, 1, 2, 3}
    assert corpora.ag_news_classes() == ["World", "Sports", "Business", "Sci/Tech"]
    text = " ".join(it.description for it in items[:50])
    assert "#36;" not in text and "\\" not in text and "$10 million" in text


def test_recipe_excerpt_loader_reads_the_epicurious_format():
    """Does the recipe reader turn real Epicurious records into 'Recipe for <title> | <directions>'?"""
    recipes = corpora.recipes("recipes_excerpt")
    assert 20 <= len(recipes) <= 29  # records without title or directions are dropped
    assert all(r.startswith("Recipe for ") and " | " in r for r in recipes)


def test_wine_reviews():
    """Are the 5,000 wine reviews read with their country and variety?"""
    reviews = corpora.wine_reviews()
    assert len(reviews) == 5000
    assert reviews[0].startswith("wine review : US : California : Cabernet Sauvignon : This tremendous")
