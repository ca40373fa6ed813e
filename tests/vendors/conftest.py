from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    """Every vendors test stores documents in its own folder."""
    root = tmp_path / "documents"
    settings.DOCUMENT_ROOT = root
    return root
