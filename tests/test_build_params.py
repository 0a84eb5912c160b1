"""Parameters of ``make chapter`` are read by the type of the chapter's default; bad ones stop the build."""

import pytest

from hukoumob.book import build


def _chapter(name):
    return build.chapters([name])


@pytest.mark.parametrize("text", ["False", "false", "0", "no", "off", "NO"])
def test_false_words_are_false(text):
    params = build.parse_params([f"exercise_drop_urban_changers={text}"], _chapter("03_status_attainment"))
    assert params["03_status_attainment"]["exercise_drop_urban_changers"] is False


@pytest.mark.parametrize("text", ["True", "true", "1", "yes", "on"])
def test_true_words_are_true(text):
    params = build.parse_params([f"exercise_drop_urban_changers={text}"], _chapter("03_status_attainment"))
    assert params["03_status_attainment"]["exercise_drop_urban_changers"] is True


def test_numbers_and_text_by_their_defaults():
    assert build.typed_value("3", 0) == 3 and isinstance(build.typed_value("3", 0), int)
    assert build.typed_value("2.5", 0.0) == 2.5
    assert build.typed_value("A_urban_origin", "") == "A_urban_origin"
    assert build.typed_value("007", "") == "007"  # text stays text
    with pytest.raises(ValueError):
        build.typed_value("many", 0)


def test_unknown_name_is_an_error_listing_the_parameters():
    with pytest.raises(SystemExit) as err:
        build.parse_params(["exercise_drop_urban_chngers=1"], _chapter("03_status_attainment"))
    msg = str(err.value)
    assert "unknown parameter 'exercise_drop_urban_chngers'" in msg and "exercise_drop_urban_changers=False" in msg


def test_unparseable_value_is_an_error_naming_it():
    with pytest.raises(SystemExit) as err:
        build.parse_params(["exercise_experience_window=ten"], _chapter("07_agriculture_and_hukou_change"))
    assert "exercise_experience_window='ten'" in str(err.value) and "the default is 0" in str(err.value)


def test_data_source_is_not_a_parameter():
    with pytest.raises(SystemExit, match="--data"):
        build.parse_params(["data_source=/x.dta"], _chapter("03_status_attainment"))


def test_a_parameter_goes_only_to_the_chapters_that_declare_it():
    todo = build.chapters(["03_status_attainment", "04_mobility_tables"])
    params = build.parse_params(["exercise_drop_urban_changers=yes"], todo)
    assert params == {"03_status_attainment": {"exercise_drop_urban_changers": True}, "04_mobility_tables": {}}


def test_make_chapter_without_name_lists_the_chapters():
    with pytest.raises(SystemExit) as err:
        build.chapters([])
    assert "03_status_attainment" in str(err.value) and "NAME" in str(err.value)


def test_every_chapter_declares_data_source_with_literal_defaults():
    for chapter in build.chapters():
        assert "data_source" in build.chapter_parameters(chapter), chapter.name
