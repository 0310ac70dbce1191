"""Make the README's pictures of the leaders' outputs: docs/dashboard.png and docs/bulletin.png.

    python scripts/make_screenshots.py

Copies the sample project to a temporary folder and builds it four times, a week apart, with part of
the evidence held back at first (as if units were still sending it), so the trend and the 通报's
change have something to show. Then takes a screenshot of out/index.html with headless Chromium and
renders the first page of out/工作进展通报.docx with LibreOffice and poppler. Needs chromium,
libreoffice and pdftoppm on PATH. The repository's own evidence/ and history/ are not touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
WEEKS = ["2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22"]
HELD_BACK = [
    ["区文化和旅游局", "区民政局", "区生态环境局", "团区委"],
    ["区民政局", "区生态环境局"],
    ["区生态环境局"],
    [],
]
WIDTH, HEIGHT = 1366, 2400
MAX_BYTES = 300 * 1024


def civdoc(root: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "civdoc", *args, "--project", str(root)],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def build_weeks(root: Path) -> None:
    aside = root.parent / "aside"
    aside.mkdir()
    for day, held in zip(WEEKS, HELD_BACK, strict=True):
        for unit in list(aside.iterdir()):
            if unit.name not in held:
                shutil.move(str(unit), root / "evidence" / unit.name)
        for unit in held:
            if (root / "evidence" / unit).exists():
                shutil.move(str(root / "evidence" / unit), aside / unit)
        civdoc(root, "build", "--today", day)


def shrink(png: Path, target: Path, width: int) -> None:
    """Resize and quantise until the picture is under MAX_BYTES."""
    image = Image.open(png).convert("RGB")
    while True:
        scaled = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        # a palette keeps flat colours and text; median cut drops the thin blue line, octree keeps it
        scaled.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(target, optimize=True)
        if target.stat().st_size <= MAX_BYTES or width < 500:
            return
        width = int(width * 0.9)


def dashboard(root: Path, work: Path) -> None:
    shot = work / "dashboard.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={shot}",
            (root / "out" / "index.html").as_uri(),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shrink(shot, DOCS / "dashboard.png", 1000)


def bulletin(root: Path, work: Path) -> None:
    docx = work / "bulletin.docx"
    shutil.copy(root / "out" / "工作进展通报.docx", docx)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "2", str(work / "bulletin.pdf"), str(work / "page")],
        check=True,
    )
    pages = [Image.open(p).convert("RGB") for p in sorted(work.glob("page-*.png"))]
    gap = 16
    size = (sum(p.width for p in pages) + gap * (len(pages) + 1), pages[0].height + 2 * gap)
    sheet = Image.new("RGB", size, "#d0d4d8")
    x = gap
    for page in pages:
        sheet.paste(page, (x, gap))
        x += page.width + gap
    sheet.save(work / "pages.png")
    shrink(work / "pages.png", DOCS / "bulletin.png", 1000)


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "示例区"
        root.mkdir()
        for name in ("civdoc.yaml", "indicators", "evidence"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
        build_weeks(root)
        dashboard(root, work)
        bulletin(root, work)
    for name in ("dashboard.png", "bulletin.png"):
        print(f"docs/{name}: {(DOCS / name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
