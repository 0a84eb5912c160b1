"""The results contract (ARCHITECTURE.md, "Results contract"): key columns and allowed key values per table.

Every published table in ``data/published/<table>.csv`` and every reproduced
table in ``results/<table>.csv`` is tidy and long: one row per printed number,
identified by the key columns below, with the number in ``value``. Reproduced
files add a ``source`` column. This module is the single place where those
keys are written down; loaders, writers and tests all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The six-category EGP classes of the paper, from the top of its tables down.
CLASSES: tuple[str, ...] = ("I_II", "III", "IVab", "V_VI", "VIIa", "farm")

#: The year of the survey (Life Histories and Social Change in Contemporary China, 1996): the
#: sample's reference year, the last year at risk of Table 6 and the end of every history.
#: The one constant for it; ``inputs.records``, ``replica`` and ``tables.table6`` import it.
SURVEY_YEAR: int = 1996

#: Where a reproduced number came from (the ``source`` column of ``results/``).
SOURCES: tuple[str, ...] = ("published_tables", "replica", "lhsccc")

_T6_TERMS = (
    "father_III", "father_IVab", "father_V_VI", "father_VIIa", "father_educ",
    "father_party_member", "educ_junior_hs", "educ_senior_hs", "educ_vocational",
    "educ_college", "party_member", "hukou_change", "junior_hs_x_hukou_change",
    "senior_hs_x_hukou_change", "vocational_x_hukou_change",
    "college_x_hukou_change", "labor_market_experience", "constant",
)


@dataclass(frozen=True)
class TableSchema:
    """Key columns of one table and the values each key column may take."""

    name: str
    keys: tuple[str, ...]
    allowed: dict[str, tuple[str, ...]]

    @property
    def columns(self) -> tuple[str, ...]:
        """All columns of the published file: the keys, then ``value``."""
        return (*self.keys, "value")


_OUTFLOW_KEYS = ("panel", "son_class", "father_class", "kind")
_OUTFLOW_ALLOWED = {
    "son_class": (*CLASSES, "total", "N"),
    "father_class": (*CLASSES, "total"),
    "kind": ("pct", "weighted_n", "unweighted_n"),
}

SCHEMAS: dict[str, TableSchema] = {
    "table1": TableSchema(
        "table1",
        ("variable", "statistic", "group"),
        {
            "variable": (
                "current_isei", "first_isei", "educ", "father_isei", "father_educ",
                "birth_year", "hukou14_rural", "residence_rural", "party_member",
                "father_party_member14", "N",
            ),
            "statistic": ("mean", "sd", "proportion", "weighted_n", "unweighted_n"),
            "group": ("national", "rural", "urban"),
        },
    ),
    "table2": TableSchema(
        "table2",
        ("model", "sample", "term", "statistic"),
        {
            "model": ("us1962", "model1", "model2"),
            "sample": ("us1962", "urban", "rural", "total"),
            "term": (
                "father_educ", "father_isei", "educ", "first_isei",
                "urban_hukou14", "constant", "r2",
            ),
            "statistic": ("b", "se", "p", "beta", "r2"),
        },
    ),
    "table3": TableSchema(
        "table3", _OUTFLOW_KEYS, {"panel": ("total",), **_OUTFLOW_ALLOWED}
    ),
    "table4": TableSchema(
        "table4",
        _OUTFLOW_KEYS,
        {
            "panel": ("A_urban_origin", "B_rural_origin", "C_rural_origin_rural_now"),
            **_OUTFLOW_ALLOWED,
        },
    ),
    "table5": TableSchema(
        "table5",
        ("model", "panel", "term", "statistic"),
        {
            "model": ("model1", "model2", "model3a", "model3b", "model3c"),
            "panel": ("A_scaling", "B_immobility", "C_association", "D_covariates", "fit"),
            "term": (
                *CLASSES, "immobility", "overall_association",
                "association_x_hukou_change", "association_x_educ", "educ",
                "hukou_change", "educ_x_hukou_change", "N", "loglik", "lr_chi2", "df",
            ),
            "statistic": ("est", "se", "p"),
        },
    ),
    "table6": TableSchema(
        "table6",
        ("model", "term", "statistic"),
        {
            "model": ("model1", "model2", "model3", "model4"),
            "term": _T6_TERMS,
            "statistic": ("est", "se", "sig"),
        },
    ),
}

_TWO_WAY_MODELS = tuple(f"{a}/{d}" for a in ("none", "uniform", "rc", "rc_homog") for d in ("none", "uniform", "full"))

#: ``results/model_fit.csv``: the mobility-model family on the four outflow panels
#: (chapter "Choosing the model"); no printed counterpart in ``data/published/``.
MODEL_FIT_SCHEMA = TableSchema(
    "model_fit",
    ("panel", "model", "statistic"),
    {
        "panel": ("total", "A_urban_origin", "B_rural_origin", "C_rural_origin_rural_now",
                  "A_B_by_hukou_origin", "EW", "F", "S"),
        "model": (*_TWO_WAY_MODELS, "conditional_independence", "constant", "unidiff", "rc_homog_layer",
                  "rc_homog_common", "lr:association_differs_full_interaction",
                  "lr:association_differs_shared_scores", "lr:any_association"),
        "statistic": ("deviance", "df", "bic", "aic", "dissimilarity", "loglik", "maxima", "mu", "delta",
                      "mu_urban", "mu_rural", "delta_urban", "delta_rural", "layer_effect_rural",
                      "lr_chi2", "p"),
    },
)

#: Tables whose ``value`` column holds text for some rows (Table 6's footnote
#: letters in the ``sig`` rows); every other value is a number.
TEXT_VALUED = {("table6", "statistic", "sig")}


def _text_ids() -> tuple[str, ...]:
    """The ids of ``data/published/text_numbers.csv`` (validated by :mod:`hukoumob.inputs.text_numbers`)."""
    import csv

    from hukoumob.inputs import paths

    file = paths.PUBLISHED / "text_numbers.csv"
    if not file.exists():
        return ()
    with file.open(newline="", encoding="utf-8") as handle:
        return tuple(row["id"] for row in csv.DictReader(handle))


#: The numbers printed in the paper's prose and notes: ``results/text.csv`` has one row per
#: ``id`` of ``data/published/text_numbers.csv`` and source (``id, value, source``); the
#: printed value to join with is that file's ``value``. Not in :data:`SCHEMAS`, which holds
#: the printed tables (each with a ``data/published/<table>.csv`` of the same form).
TEXT_SCHEMA = TableSchema("text", ("id",), {"id": _text_ids()})

#: Every table of ``results/``: the paper's six tables, the text's numbers and the model family's fit.
RESULT_SCHEMAS: dict[str, TableSchema] = {**SCHEMAS, "text": TEXT_SCHEMA, "model_fit": MODEL_FIT_SCHEMA}
