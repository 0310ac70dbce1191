"""Where the repository and the shared corpus of real-world files are, for tests in any folder."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
