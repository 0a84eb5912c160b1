"""Status attainment: the paper's Table 1 (descriptive statistics) and Table 2 (Blau-Duncan models).

One package, one module per concern; everything is importable from here
(``from hukoumob.tables import table1_2``):

* :mod:`.men`: column names, :func:`check_men`, the urban/rural splits, the design;
* :mod:`.table1`: Table 1 (:func:`table1_rows`, :func:`format_table1`, :func:`segmentation_facts`, :func:`segmentation_counts`);
* :mod:`.table2`: Table 2 (:func:`fit_table2`, :func:`table2_rows`, :func:`format_table2`,
  :func:`se_comparison`, :func:`constant_coded_1_2`, :func:`annotate_comparison`);
* :mod:`.splits`: which urban/rural split the printed numbers fit (:func:`published_checks`, ...);
* :mod:`.path_model`: the recursive Blau-Duncan path model (:func:`path_coefficients`);
* :mod:`.simulate`: :func:`simulate_attainment`, a small generative model for tests.

The U.S. 1962 column is :mod:`hukoumob.tables.us1962`.

Everything here takes the men's records (one row per man, the column names of
the results contract: ``current_isei``, ``first_isei``, ``educ``,
``father_isei``, ``father_educ``, ``birth_year``, ``hukou14_rural``,
``residence_rural``, ``party_member``, ``father_party_member14``,
``hukou_change``, ``weight``, ``stratum``, ``psu``) and returns tidy rows in
the form of ``data/published/table1.csv`` and ``table2.csv``, ready for
:func:`hukoumob.book.results.write_results` and :func:`hukoumob.book.results.compare`.

Table 1 (:func:`table1_rows`): weighted means, SDs (Stata's analytic-weight
divisor) and proportions for all men and by place of residence in 1996, from
``DescrStatsW``. Table 2 (:func:`table2_rows`): statsmodels ``WLS`` with
design-based SEs (strata and PSUs, the urban and rural columns as domains),
p-values on the design df, standardized coefficients.

Which urban/rural split? (:data:`SPLITS`)
    The paper's text describes Table 2's urban sample as "those with urban
    hukou", but the printed standardized coefficients and constants agree
    with Table 1's *residence* groups. Both are available: ``split="residence"``
    (place of residence in 1996, Table 1's columns) and ``split="hukou"``
    (registration in 1996: rural unless rural at 14 and changed since, see
    :func:`registration_rural_1996`). :func:`published_checks` weighs the
    published numbers alone; :func:`split_moment_checks` and
    :func:`split_distance` add the evidence of a data set.

References: Blau and Duncan (1967: 170) for the model; Binder (1983) and
Lumley (2004) for the linearised variance; StataCorp (2003) for Stata's
``svy`` conventions the paper used.
"""

from .men import (
    COLUMNS,
    CONTINUOUS,
    DESIGN_COLUMNS,
    DICHOTOMOUS,
    GROUP_OF_SAMPLE,
    LABELS,
    MODEL1_TERMS,
    MODEL2_TERMS,
    OUTCOME,
    P_PRINTED,
    SPLITS,
    AttainmentDataError,
    check_men,
    group_masks,
    registration_rural_1996,
    rural_indicator,
    survey_design,
    with_urban_hukou14,
)
from .table1 import (
    birth_year_two_digits,
    format_table1,
    segmentation_counts,
    segmentation_facts,
    table1_rows,
    weighted_mean,
    weighted_sd,
)
from .table2 import (
    COMPARISON_NOTES,
    annotate_comparison,
    constant_coded_1_2,
    fit_table2,
    format_table2,
    rows_from_fit,
    se_comparison,
    table2_rows,
    Table2Fit,
)
from .splits import (
    published_checks,
    split_distance,
    split_moment_checks,
)
from .path_model import (
    PATH_LETTERS,
    PATH_ORDER,
    path_coefficients,
    us1962_path_coefficients,
    weighted_correlations,
)
from .simulate import (
    simulate_attainment,
)

__all__ = [
    "AttainmentDataError",
    "COLUMNS",
    "COMPARISON_NOTES",
    "CONTINUOUS",
    "DESIGN_COLUMNS",
    "DICHOTOMOUS",
    "GROUP_OF_SAMPLE",
    "LABELS",
    "MODEL1_TERMS",
    "MODEL2_TERMS",
    "OUTCOME",
    "PATH_LETTERS",
    "PATH_ORDER",
    "P_PRINTED",
    "SPLITS",
    "Table2Fit",
    "annotate_comparison",
    "birth_year_two_digits",
    "check_men",
    "constant_coded_1_2",
    "fit_table2",
    "format_table1",
    "format_table2",
    "group_masks",
    "path_coefficients",
    "published_checks",
    "registration_rural_1996",
    "rows_from_fit",
    "rural_indicator",
    "se_comparison",
    "segmentation_counts",
    "segmentation_facts",
    "simulate_attainment",
    "split_distance",
    "split_moment_checks",
    "survey_design",
    "table1_rows",
    "table2_rows",
    "us1962_path_coefficients",
    "weighted_correlations",
    "weighted_mean",
    "weighted_sd",
    "with_urban_hukou14",
]
