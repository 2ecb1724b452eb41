"""The pages' JSON-LD and the JSON feeds, written by orjson, are the text json.dumps(indent=2)
wrote: the same bytes on every page and feed for any text, number or nesting they can hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.feeds.jsonfeed import html_safe_json, write_json
from site_builder.render import metadata

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # past 64 bits: orjson refuses
    | st.text()
    | st.sampled_from(["</script>", "a & b", '"\\', "\x00\x1f\x7f", "\u2028\u2029", "ليبيا"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), VALUES, min_size=1) | st.lists(VALUES, min_size=1))
def test_json_ld_is_written_as_json_writes_it(data):
    assert str(metadata.script(data)) == html_safe_json(data)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), VALUES, min_size=1))
def test_json_feeds_are_written_as_json_writes_them(data):
    assert write_json(data) == html_safe_json(data)


def test_what_orjson_refuses_is_written_as_json_writes_it():
    data = {"headline": "half a pair \ud800", "n": 2**80}
    assert str(metadata.script(data)) == html_safe_json(data)
    assert write_json(data) == html_safe_json(data)


def test_no_metadata_writes_no_script():
    assert metadata.script([]) == "" and metadata.script(None) == ""
