"""Where the repository and the shared corpus of real-world files are, for tests in any folder."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def copy_sample(root: Path) -> Path:
    """The repository's sample project (definitions, evidence, reviews) copied to root, for tests that
    must not touch the repository's own .civdoc/, out/ or history/."""
    import shutil

    root.mkdir(parents=True, exist_ok=True)
    for name in ("civdoc.yaml", "indicators", "evidence", "reviews"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, symlinks=True)
        elif source.exists():
            shutil.copy2(source, root / name)
    return root
