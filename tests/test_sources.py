"""The data_source parameter (hukoumob.inputs.sources)."""

import pytest

from hukoumob.inputs import sources


def test_default_is_the_replica():
    assert sources.resolve_source("replica").kind == "replica"
    assert sources.resolve_source(None).kind == "replica"


def test_real_file_path(tmp_path):
    f = tmp_path / "survey.dta"
    f.write_bytes(b"")
    src = sources.resolve_source(str(f))
    assert src.kind == "lhsccc" and src.path == f.resolve()


@pytest.mark.parametrize("value,message", [("replika", "neither 'replica'"), ("/no/such/file.dta", "no such file")])
def test_bad_values_are_named(value, message):
    with pytest.raises(ValueError, match=message):
        sources.resolve_source(value)
