"""Reading a .txt transcript, then an equal copy of it, in one process (bench/README.md,
"Reading an equal text twice").

    python bench/read_twice.py [--turns 50000]

Writes two files with the same turns and reads each with ``read_document``; prints the
CPU seconds of each read. The second read should take no longer than the first.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode.formats import read_document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=50_000)
    turns = parser.parse_args().turns
    body = "".join(f"P{i % 7 + 1}: turn {i}, we talked about the rent and the bus pass.\n\n"
                   for i in range(turns))
    with tempfile.TemporaryDirectory() as folder:
        for name in ("first.txt", "copy.txt"):
            path = Path(folder) / name
            path.write_text(body, encoding="utf-8")
            start = time.process_time()
            parsed, _ = read_document(path)
            print(f"{name}: {len(parsed.blocks):,} blocks, "
                  f"{time.process_time() - start:.2f} s CPU", flush=True)


if __name__ == "__main__":
    main()
