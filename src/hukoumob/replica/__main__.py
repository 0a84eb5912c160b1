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
    if args.calibrate:
        print(summary_text(men), flush=True)
    return 0


def summary_text(men) -> str:
    """The scorecard's hit counts per criterion (printed at the end of a calibration)."""
    import warnings

    import pandas as pd

    from . import scorecard, statements

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = pd.concat([scorecard.scorecard(men), statements.all_rows(men)], ignore_index=True)
    counted = card[card["hit"].notna()]
    lines = ["scorecard (hits / compared):"]
    for crit, g in counted.groupby("criterion", sort=False):
        lines.append(f"  {crit:<18} {int(g['hit'].astype(bool).sum()):>4} / {len(g):<4}"
                     + "  " + ", ".join(f"{t} {int(h['hit'].astype(bool).sum())}/{len(h)}" for t, h in g.groupby("table")))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
