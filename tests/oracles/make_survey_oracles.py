"""Regenerate the frozen R ``survey`` oracle outputs of ``tests/_survey_oracle.py``.

Runs each ``tests/oracles/survey_*.R`` on its input and writes
``tests/oracles/<name>.csv`` plus the input's SHA-256 to
``tests/oracles/survey_inputs.json``. Needs R with the ``survey`` package.

Usage::

    .venv/bin/python tests/oracles/make_survey_oracles.py [name ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import _survey_oracle as so  # noqa: E402


def main(names: list[str]) -> int:
    digests = json.loads(so.DIGESTS.read_text()) if so.DIGESTS.exists() else {}
    version = subprocess.run(["Rscript", "-e", "cat(R.version.string, '; survey', format(packageVersion('survey')))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names or list(so.INPUTS):
            text, _ = so.input_csv(name)
            out = so.run_r(name, Path(tmp))
            out.to_csv(HERE / f"{name}.csv", index=False, lineterminator="\n")
            digests[name] = {"sha256": so.digest(text), "rows": text.count("\n") - 1, "r": version}
            print(f"{name}: {len(out)} rows from {digests[name]['rows']} input rows ({version})")
    so.DIGESTS.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
