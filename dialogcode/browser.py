"""Headless Chromium, to print the report to PDF and take screenshots of it (the print
test and scripts/screenshots.py). Chromium runs with its own throw-away profile and
every background service off, so nothing leaves the machine."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--no-pdf-header-footer"]
PAPERS = ("A4", "Letter")


def chromium() -> str | None:
    """The Chromium executable on the PATH, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(html: Path, *flags: str) -> None:
    executable = chromium()
    if executable is None:
        raise FileNotFoundError("chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([executable, *FLAGS, f"--user-data-dir={profile}", *flags,
                        html.resolve().as_uri()], check=True, capture_output=True,
                       timeout=300)


def print_pdf(html: Path, pdf: Path, paper: str = "Letter") -> Path:
    """``html`` printed to ``pdf`` on ``paper`` (A4 or Letter), as a reader's browser
    would print it with headers and footers off."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    sized = pdf.with_suffix(".html")
    sized.write_text(html.read_text(encoding="utf-8").replace(
        "</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1), encoding="utf-8")
    try:
        _run(sized, f"--print-to-pdf={pdf.resolve()}")
    finally:
        sized.unlink()
    return pdf


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 20000) -> Path:
    """``html`` in a window ``width`` pixels wide and ``height`` tall, as a PNG."""
    _run(html, f"--window-size={width},{height}", f"--screenshot={png.resolve()}")
    return png
