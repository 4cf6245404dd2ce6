"""Build ``kerasdoctor/data/hant_fold.txt``: each Traditional Chinese character and its Simplified form.

Symptom phrases and the symptom vocabulary are written in Simplified Chinese; a user
from Taiwan or Hong Kong writes 訓練時loss變成nan for 训练时loss变成nan. explain
reads every Chinese word it compares (the user's text, the phrases, the vocabulary)
through this table, so one phrase serves both scripts.

The source of truth is OpenCC's character table (``t2s``): every character of the
CJK blocks that OpenCC turns into another single character. Words that Taiwan writes
differently (資料 for 数据, 記憶體 for 内存) are not characters: they are in the
vocabulary (``rules/_vocabulary.yaml``). OpenCC is needed only here, to build the
table; explain reads the text file (three lines: where it comes from, the Traditional
characters, their Simplified forms in the same order).

    pip install opencc
    python tools/build_hant_fold.py            # writes the table
    python tools/build_hant_fold.py --check    # exit 1 when the committed table is stale
"""

from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "kerasdoctor", "data", "hant_fold.txt")
# CJK Unified Ideographs, Extension A and the Compatibility Ideographs: where Chinese text lives
BLOCKS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))


def build() -> str:
    """The table file's text: a comment line, the Traditional characters, their Simplified forms."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    traditional, simplified = [], []
    for first, last in BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            folded = to_simplified.convert(char)
            if len(folded) == 1 and folded != char:
                traditional.append(char)
                simplified.append(folded)
    source = f"# OpenCC {getattr(opencc, '__version__', '?')} t2s, one character at a time: python tools/build_hant_fold.py"
    return "\n".join([source, "".join(traditional), "".join(simplified)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table instead of writing it")
    args = parser.parse_args(argv)
    table = build()
    if args.check:
        with open(TABLE, encoding="utf-8") as f:
            stale = f.read().splitlines()[1:] != table.splitlines()[1:]
        print(f"{TABLE}: {'stale' if stale else 'up to date'}")
        return int(stale)
    with open(TABLE, "w", encoding="utf-8") as f:
        f.write(table)
    print(f"{TABLE}: {len(table.splitlines()[1])} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
