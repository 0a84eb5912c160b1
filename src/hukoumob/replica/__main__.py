"""``python -m hukoumob.replica [--calibrate] [--out DIR]``: regenerate data/replica (what ``make replica`` runs)."""

from __future__ import annotations

import argparse
import sys
import time

from . import calibrate as cal
from . import io
from .generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hukoumob.replica", description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="re-fit the parameters to the published tables first")
    parser.add_argument("--out", default=None, help="folder to write (default data/replica)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.calibrate:
        params = cal.calibrate()
        print(f"parameters -> {io.save_params(params, args.out)}", flush=True)
    params = io.load_params(args.out)  # always generate from the saved (rounded) parameters
    men = generate(params)
    print(f"{len(men)} men -> {io.save_men(men, args.out)} ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
