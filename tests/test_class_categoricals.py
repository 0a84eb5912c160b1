"""The men's class columns are Categoricals from load time (``as_class_categoricals``), and every
route gives the same numbers on them as on plain string columns (frames built by hand)."""

import numpy as np
import pandas as pd
import pytest
from _fake_survey import fake_file

from hukoumob.inputs import paths
from hukoumob.inputs.records import (
    CLASS_COLUMNS,
    RecordsError,
    as_class_categoricals,
    load_records,
    validate_men,
)
from hukoumob.inputs.schema import CLASSES
from hukoumob.tables import table6, tabulate
from hukoumob.tables.table5 import from_records


@pytest.fixture(scope="module")
def loaded():
    return load_records("replica").men


@pytest.fixture(scope="module")
def strings():
    """The same men as a student builds them by hand: plain object (string) class columns."""
    return pd.read_csv(paths.REPLICA / "men.csv")


def _is_class_categorical(col: pd.Series) -> bool:
    return (isinstance(col.dtype, pd.CategoricalDtype) and list(col.cat.categories) == list(CLASSES)
            and not col.cat.ordered)


def test_replica_loads_with_categorical_class_columns(loaded, strings):
    for c in CLASS_COLUMNS:
        assert _is_class_categorical(loaded[c]), loaded[c].dtype
        assert (loaded[c].to_numpy(dtype=object) == strings[c].to_numpy()).all()  # the same labels
        assert loaded[c].notna().all()
    assert strings["son_class"].dtype == object  # men.csv itself holds labels


def test_real_file_loads_with_categorical_class_columns(tmp_path, strings):
    file, mfile, _, _ = fake_file(tmp_path)  # EGP-10 codes collapsed by apply_mapping
    men = load_records(str(file), mapping=mfile).men
    for c in CLASS_COLUMNS:
        assert _is_class_categorical(men[c]), men[c].dtype
        assert (men[c].to_numpy(dtype=object) == strings[c].to_numpy()).all()


def test_generated_replica_has_the_loaders_dtypes(params, loaded):
    from hukoumob.replica import generate

    men = generate.generate(params)
    for c in CLASS_COLUMNS:
        assert men[c].dtype == loaded[c].dtype
    assert _is_class_categorical(generate.generate(params, upto="careers")["father_class"])


def test_bad_labels_are_reported_by_count_not_turned_missing(strings):
    bad = strings.copy()
    bad.loc[:2, "son_class"] = "farmer"
    with pytest.raises(RecordsError, match=r"son_class: 3 of 2844 rows are not one of"):
        validate_men(bad)
    with pytest.raises(ValueError, match=r"son_class: 3 of 2844 rows") as err:
        as_class_categoricals(bad)
    assert "farmer" not in str(err.value)  # counts, never contents


def test_conversion_leaves_its_input_alone_and_recodes_other_orders(strings):
    before = strings.copy()
    out = as_class_categoricals(strings)
    pd.testing.assert_frame_equal(strings, before)  # not modified
    alpha = strings.assign(son_class=pd.Categorical(strings["son_class"]))  # categories sorted alphabetically
    assert list(alpha["son_class"].cat.categories) != list(CLASSES)
    again = as_class_categoricals(alpha)["son_class"]
    assert _is_class_categorical(again) and (again == out["son_class"]).all()
    assert as_class_categoricals(out) is not out and (as_class_categoricals(out)["son_class"] == out["son_class"]).all()


@pytest.mark.parametrize("model", ["model1", "model3c"])
def test_string_and_categorical_frames_fit_alike(model, loaded, strings):
    """Table 5 through the one route: the same maximum from strings, from Categoricals in CLASSES order,
    and from Categoricals whose own category order is another one (alphabetical)."""
    alpha = strings.assign(**{c: pd.Categorical(strings[c]) for c in CLASS_COLUMNS})
    fits = [from_records.fit_model(m, model) for m in (strings, loaded, alpha)]
    for fit in fits[1:]:
        assert abs(fit.loglik - fits[0].loglik) <= 1e-12 * abs(fits[0].loglik)
        np.testing.assert_allclose(fit.beta, fits[0].beta, rtol=0, atol=1e-10)
    if model == "model3c":
        se = [f.standard_errors(se="design") for f in fits]
        np.testing.assert_allclose(np.asarray(se[1]), np.asarray(se[0]), rtol=1e-10)


def test_outflow_tables_and_person_years_alike(loaded, strings):
    ours, theirs = tabulate.outflow_tables(loaded), tabulate.outflow_tables(strings)
    for t in theirs:
        pd.testing.assert_frame_equal(ours[t], theirs[t])
    pd.testing.assert_frame_equal(table6.build_person_years(loaded).data, table6.build_person_years(strings).data)
