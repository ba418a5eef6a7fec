"""Screenshots of a study's report, on screen and printed, to look at by eye.

    python scripts/screenshots.py [STUDY] [-o FOLDER] [--paper A4|Letter]

Renders STUDY's report again (default: the bundled sample study; it is built with
`dialogcode run` first when it has no codings yet) and, with headless Chromium, writes
to FOLDER (default STUDY/out/screenshots, never committed):

- ``screen-NN.png``: the report as a 1280-pixel-wide browser window shows it, cut into
  pieces 2,400 pixels tall;
- ``report-PAPER.pdf``: the report printed on A4 and Letter (or the --paper given);
- ``PAPER-page-NN.png``: each printed page (needs pdfplumber, in the test extra).

Prints where each file is.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from dialogcode.browser import PAPERS, chromium, print_pdf, screenshot

SAMPLE = Path(__file__).resolve().parent.parent / "corpora" / "sample-study"
PIECE = 2400            # screen pixels per screen-NN.png
TALLEST = 160_000       # give up growing the window past this


def _dialogcode(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "dialogcode", *arguments, "-q"], check=True)


def screen_pieces(html: Path, folder: Path) -> list[Path]:
    """The whole page in pieces: the window grows until the page ends above its bottom."""
    height = 20_000
    while True:
        whole = screenshot(html, folder / "screen.png", height=height)
        pixels = np.asarray(Image.open(whole).convert("L"))
        inked = np.flatnonzero((pixels < 250).any(axis=1))
        last = int(inked.max()) + 1 if len(inked) else 1
        if last < height - 40 or height >= TALLEST:
            break
        height *= 2
    image = Image.open(whole)
    whole.unlink()
    pieces = []
    for number, top in enumerate(range(0, last + 40, PIECE), 1):
        piece = folder / f"screen-{number:02d}.png"
        image.crop((0, top, image.width, min(top + PIECE, last + 40))).save(piece)
        pieces.append(piece)
    return pieces


def page_images(pdf: Path, folder: Path, paper: str) -> list[Path]:
    try:
        import pdfplumber
    except ImportError:
        return []
    pages = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            path = folder / f"{paper}-page-{number:02d}.png"
            page.to_image(resolution=80).save(path)
            pages.append(path)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("study", nargs="?", type=Path, default=SAMPLE,
                        help="study folder (default: the bundled sample study)")
    parser.add_argument("-o", "--output", type=Path,
                        help="folder for the images (default: STUDY/out/screenshots)")
    parser.add_argument("--paper", choices=PAPERS, action="append",
                        help="paper to print on (default: both A4 and Letter)")
    options = parser.parse_args()
    if chromium() is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    study = options.study
    from dialogcode import Study
    out = Study.open(study).out
    if not (out / "codings.parquet").is_file():
        _dialogcode("run", str(study))
    html = out / "report.html"
    _dialogcode("report", str(study), "-o", str(html))
    folder = options.output or out / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    written = screen_pieces(html, folder)
    for paper in options.paper or PAPERS:
        pdf = print_pdf(html, folder / f"report-{paper}.pdf", paper)
        pages = page_images(pdf, folder, paper)
        written += [pdf, *pages]
        print(f"{paper}: {len(pages) or '?'} pages", file=sys.stderr)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
