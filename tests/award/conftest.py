import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """The refusals are matched by their English words (the source language)."""
