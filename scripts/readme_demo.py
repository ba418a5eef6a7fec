"""Whether the README's sample block is what `make demo` prints, line for line.

    dialogcode run corpora/sample-study > demo.txt
    python scripts/readme_demo.py demo.txt

Each line of the README's ``$ dialogcode run corpora/sample-study`` block must be the
next line the run printed, but after a ``...`` line, which stands for any number of
lines. Prints each README line that is not where the block says, and exits 1 if any.
"""
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```console\n\$ dialogcode run corpora/sample-study\n(.*?)```", re.S)


def unmatched(block: list[str], printed: list[str]) -> list[str]:
    """The lines of ``block`` not found where it says among ``printed``."""
    missing, at, skip = [], 0, False
    for line in block:
        if line == "...":
            skip = True
            continue
        found = next((i for i in range(at, len(printed) if skip else min(at + 1, len(printed)))
                      if printed[i] == line), None)
        if found is None:
            missing.append(f"{line}  (run printed: {printed[at] if at < len(printed) else 'nothing'})")
        else:
            at, skip = found + 1, False
    return missing


if __name__ == "__main__":
    block = BLOCK.search(README.read_text(encoding="utf-8"))[1].splitlines()
    missing = unmatched(block, Path(sys.argv[1]).read_text(encoding="utf-8").splitlines())
    print("\n".join(missing) or "The README's sample block matches the run line for line.")
    sys.exit(1 if missing else 0)
