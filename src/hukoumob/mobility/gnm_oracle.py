"""R's ``gnm`` as an independent oracle for the table models (tests and the
benchmark only; nothing in the book depends on R).

For each table, R fits the Poisson log-linear form of Table 5 Models 1, 2, 3a::

    gnm(count ~ origin + destination + Diag(origin, destination, binary = TRUE)
              + MultHomog(origin, destination), family = poisson)

``Diag(..., binary = TRUE)`` is a single indicator of the diagonal (the
uniform immobility ``delta``; without ``binary = TRUE`` gnm fits one
parameter per diagonal cell). ``MultHomog`` gives unnormalised homogeneous
scores ``u``; :func:`normalise_gnm_scores` centres them, scales them to unit
sum of squares and fixes the sign (so that ``mu = sum((u - mean u)**2)``).
The multinomial log-likelihood is ``sum n log(fitted / row total)`` (the
Poisson fit reproduces the row totals), which equals :attr:`.results.
MobilityResults.loglik`.

Frozen outputs: ``tests/oracles/gnm_paper_tables.csv`` (the input tables) and
``tests/oracles/gnm_paper_fits.csv`` (:func:`run_gnm`'s rows) let every test
run compare with gnm, with R or without;
``tests/oracles/make_gnm_paper.py`` regenerates them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

_R_SCRIPT = r"""
suppressPackageStartupMessages(library(gnm))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
reps <- as.integer(args[3])
nstart <- as.integer(args[4])
out <- list()
for (id in unique(d$table)) {
  s <- d[d$table == id, ]
  J <- max(s$origin)
  s$origin <- factor(s$origin, levels = 1:J)
  s$destination <- factor(s$destination, levels = 1:J)
  fitone <- function(seed) {
    set.seed(seed)
    suppressWarnings(gnm(count ~ origin + destination + Diag(origin, destination, binary = TRUE) +
                           MultHomog(origin, destination),
                         family = poisson, data = s, verbose = FALSE, trace = FALSE,
                         tolerance = 1e-12, iterMax = 1000))
  }
  best <- NULL
  for (k in seq_len(nstart)) {
    f <- fitone(k)
    if (!is.null(f) && (is.null(best) || f$deviance < best$deviance)) best <- f
  }
  co <- coef(best)
  u <- co[grep("^MultHomog", names(co))]
  dl <- co[grep("^Diag", names(co))]
  fv <- fitted(best)
  rt <- ave(s$count, s$origin, FUN = sum)
  mll <- sum(ifelse(s$count > 0, s$count * log(fv / rt), 0))
  vc <- vcov(best)
  se_delta <- sqrt(vc[names(dl), names(dl)])
  el <- NA
  if (reps > 0) el <- system.time(for (r in seq_len(reps)) fitone(r))[["elapsed"]] / reps
  out[[length(out) + 1]] <- data.frame(
    table = id,
    term = c(paste0("u", seq_len(J)), "delta", "se_delta", "loglik", "deviance",
             "seconds_per_fit", "converged"),
    value = c(unname(u), unname(dl), se_delta, mll, best$deviance, el, as.numeric(best$converged)))
}
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
"""


def r_available() -> bool:
    """True if ``Rscript`` is on the PATH and the R package ``gnm`` is
    installed (checked without loading it, which takes R about a second)."""
    if shutil.which("Rscript") is None:
        return False
    try:
        res = subprocess.run(
            ["Rscript", "-e", 'cat(nzchar(system.file(package = "gnm")))'],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return res.returncode == 0 and res.stdout.strip() == "TRUE"


def normalise_gnm_scores(u, sign_ref: int = -1) -> tuple[np.ndarray, float]:
    """``(phi, mu)`` from gnm's unnormalised ``MultHomog`` scores ``u``:
    ``phi = (u - mean u) / |u - mean u|`` with ``phi[sign_ref] < 0`` and
    ``mu = |u - mean u|**2`` (the centring shifts only row and column
    effects)."""
    u = np.asarray(u, dtype=float)
    c = u - u.mean()
    s = float(np.sqrt(c @ c))
    phi = c / s
    if phi[sign_ref] > 0:
        phi = -phi
    return phi, s * s


def tables_frame(tables: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long form of ``J x J`` tables (``table, origin, destination, count``; 1-based codes): R's input."""
    rows = []
    for name, tab in tables.items():
        tab = np.asarray(tab, dtype=float)
        J = tab.shape[0]
        for v in range(J):
            for q in range(J):
                rows.append((name, v + 1, q + 1, tab[v, q]))
    return pd.DataFrame(rows, columns=["table", "origin", "destination", "count"])


def tables_from_frame(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The inverse of :func:`tables_frame`."""
    out = {}
    for name, grp in frame.groupby("table", sort=False):
        J = int(grp["origin"].max())
        tab = np.zeros((J, J))
        tab[grp["origin"].to_numpy() - 1, grp["destination"].to_numpy() - 1] = grp["count"].to_numpy(dtype=float)
        out[str(name)] = tab
    return out


def run_gnm(tables: dict[str, np.ndarray], *, n_starts: int = 5, time_repeats: int = 0,
            timeout: float = 600) -> pd.DataFrame:
    """gnm's raw output for each table: ``table, term, value`` rows with the unnormalised scores
    ``u1..uJ``, ``delta``, ``se_delta`` (expected information), ``loglik`` (multinomial),
    ``deviance``, ``seconds_per_fit`` and ``converged`` (module docstring). Raises ``RuntimeError``
    if R fails. This is what ``tests/oracles/gnm_paper_*.csv`` freeze."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "fit.R").write_text(_R_SCRIPT)
        tables_frame(tables).to_csv(tmp / "in.csv", index=False)
        res = subprocess.run(
            ["Rscript", str(tmp / "fit.R"), str(tmp / "in.csv"), str(tmp / "out.csv"),
             str(int(time_repeats)), str(int(n_starts))],
            capture_output=True, text=True, timeout=timeout,
        )
        if res.returncode != 0:
            raise RuntimeError(f"Rscript failed:\n{res.stderr}")
        return pd.read_csv(tmp / "out.csv")


def parse_gnm_output(raw: pd.DataFrame) -> dict[str, dict]:
    """``{name: {"phi", "mu", "delta", "se_delta", "loglik", "deviance", "seconds_per_fit",
    "converged"}}`` from :func:`run_gnm`'s rows (live or frozen), the scores normalised by
    :func:`normalise_gnm_scores`; a term missing from frozen rows (the timing) is NaN."""
    result: dict[str, dict] = {}
    for name, grp in raw.groupby("table", sort=False):
        vals = dict(zip(grp["term"], grp["value"]))
        J = sum(1 for k in vals if str(k).startswith("u"))
        phi, mu = normalise_gnm_scores([vals[f"u{i + 1}"] for i in range(J)])
        result[str(name)] = {
            "phi": phi,
            "mu": mu,
            "delta": float(vals["delta"]),
            "se_delta": float(vals["se_delta"]),
            "loglik": float(vals["loglik"]),
            "deviance": float(vals["deviance"]),
            "seconds_per_fit": float(vals.get("seconds_per_fit", np.nan)),
            "converged": bool(vals["converged"]),
        }
    return result


def fit_gnm_tables(tables: dict[str, np.ndarray], *, n_starts: int = 5, time_repeats: int = 0,
                   timeout: float = 600) -> dict[str, dict]:
    """Fit each ``J x J`` table with R's gnm (module docstring).

    Returns :func:`parse_gnm_output` of :func:`run_gnm`; ``seconds_per_fit``
    is the mean over ``time_repeats`` fits timed inside R with
    ``system.time`` (NaN if 0), which excludes R's start-up. The best of
    ``n_starts`` seeded gnm fits is kept. Raises ``RuntimeError`` if R fails.
    """
    return parse_gnm_output(run_gnm(tables, n_starts=n_starts, time_repeats=time_repeats, timeout=timeout))
