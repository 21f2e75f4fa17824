"""``python -m tests.benchmarks OUT.json [--size full|ci]``: print the table, write the JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.benchmarks.bench import SIZES, main_run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("out", type=Path, help="where to write the figures as JSON")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument(
        "--overlap",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run scenario 2 beside the others on its own sandbox (default: only for ci)",
    )
    args = parser.parse_args()
    figures = main_run(args.out, args.size, overlap=args.overlap)
    print(figures["table"])
    print(f"\nFigures written to {args.out}")


if __name__ == "__main__":
    main()
