"""The people-finding leak scanner (tests/_leak_scanner.py) catches each planted leak of issue 16, and not aggregates."""

import json

import numpy as np
import pandas as pd
import pytest
from _fake_survey import fake_file
from _leak_scanner import PeopleScanner, figure_cells

from hukoumob.inputs.records import SURVEY_YEAR, load_records

SIX = ["birth_year", "educ", "father_educ", "current_isei", "first_isei", "father_isei"]


@pytest.fixture(scope="module")
def men(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake")
    file, mfile, _, _ = fake_file(folder)
    return load_records(str(file), mapping=mfile).men


@pytest.fixture(scope="module")
def scanner(men):
    return PeopleScanner(men)


def _five(men):
    return men.sample(5, random_state=11)


def _unique_on(men, rows, cols):
    """How many of ``rows`` fewer than 5 men share on ``cols`` (what the scanner must find at least)."""
    key = men[cols].astype(str).agg("|".join, axis=1)
    counts = key.value_counts()
    return int((key.loc[rows.index].map(counts) < 5).sum())


def _found(scanner, text):
    return [leak for leak in scanner.scan_text(text, "planted") if leak.kind == "record"]


def test_five_men_with_six_columns(scanner, men):
    five = _five(men)
    assert _unique_on(men, five, SIX) >= 4
    found = _found(scanner, five[SIX].to_html())
    assert len({leak.piece for leak in found}) >= _unique_on(men, five, SIX) - 1


def test_the_same_with_age_for_birth_year(scanner, men):
    five = _five(men)[SIX].assign(age=lambda d: SURVEY_YEAR - d["birth_year"]).drop(columns="birth_year")
    assert len(_found(scanner, five.to_html())) >= 3


def test_numbers_with_thousands_separators(scanner, men):
    five = _five(men)[["birth_year", "psu", "current_isei", "father_isei", "educ"]]
    shown = five.style.format("{:,.0f}").to_html()
    assert "," in shown and len(_found(scanner, shown)) >= 3


def test_z_scores(scanner, men):
    cols = ["educ", "current_isei", "first_isei", "father_isei", "birth_year"]
    z = ((men[cols] - men[cols].mean()) / men[cols].std()).round(2)
    assert len(_found(scanner, z.loc[_five(men).index].to_html())) >= 3


def test_the_man_with_the_top_father_isei(scanner, men):
    top = men.loc[men["father_isei"].idxmax()]
    text = (f"The man with the top father ISEI ({top['father_isei']:.0f}) was born in {top['birth_year']:.0f}, "
            f"had {top['educ']:.0f} years of schooling and an ISEI of {top['current_isei']:.0f} in 1996.")
    assert _found(scanner, text)


def test_a_crosstab_with_one_man_cells(scanner, men):
    urban_origin = men[men["hukou14_rural"] == 0]
    tab = pd.crosstab(urban_origin["father_class"], urban_origin["son_class"])
    assert ((tab > 0) & (tab < 5)).any().any()
    found = [leak for leak in scanner.scan_text(tab.to_html(), "planted") if leak.kind == "small count"]
    assert found and {leak.men for leak in found} <= {1, 2, 3, 4}
    assert [leak for leak in scanner.scan_text(tab.to_string(), "planted") if leak.kind == "small count"]


def test_a_scatter_plot_of_records_is_caught_by_its_code():
    cell = {"cell_type": "code", "source": 'fig, ax = plt.subplots()\nax.scatter(men["educ"], men["current_isei"])',
            "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBOR..."}}], "metadata": {}}
    curve = {"cell_type": "code", "source": "fig = table6_figures.cumulative_entry_plot(km, 'x')",
             "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBOR..."}}], "metadata": {}}
    assert figure_cells(json.dumps({"cells": [curve, cell]})) == [1]


def test_wide_frames_printed_as_text_and_csv_dumps(scanner, men):
    with pd.option_context("display.max_columns", 30, "display.width", 80):
        shown = repr(men.sample(5, random_state=3))
    assert "\n\n" in shown  # wrapped into blocks
    assert _found(scanner, shown)
    assert _found(scanner, men.sample(10, random_state=4)[SIX + ["psu"]].to_csv(index=False))
    assert _found(scanner, men.iloc[7].to_string())


def test_in_a_zip_and_a_notebook(scanner, men, tmp_path):
    import zipfile

    five = _five(men)[SIX].to_csv(index=False)
    z = tmp_path / "results.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("results/leak.csv", five)
    assert [leak for leak in scanner.scan_files([z]) if "leak.csv" in leak.where]
    nb = {"cells": [{"cell_type": "code", "source": "x", "metadata": {},
                     "outputs": [{"output_type": "execute_result", "data": {"text/html": _five(men)[SIX].to_html()}}]}]}
    f = tmp_path / "ch.ipynb"
    f.write_text(json.dumps(nb))
    assert scanner.scan_files([f])


def test_aggregates_are_not_leaks(scanner, men):
    four = ["current_isei", "first_isei", "father_isei", "educ"]
    text = men.groupby("birth_year")[four].mean().round(1).to_html()
    text += men.describe().round(2).to_html()
    text += pd.crosstab(men["sample"], men["son_class"]).to_html()  # no cell below 5
    text += men.groupby(["stratum"]).size().to_frame("n").reset_index().to_html()
    text += men.groupby("son_class", observed=True)[four].agg(["mean", "std"]).round(2).to_html()
    text += f"There are {len(men):,} men born {men['birth_year'].min()}-{men['birth_year'].max()}."
    assert pd.crosstab(men["sample"], men["son_class"]).min().min() >= 5
    assert scanner.scan_text(text, "aggregates") == []
