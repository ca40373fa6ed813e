"""The public search forms' widgets written in Python (QuickSelect, QuickInput) must give
the HTML Django's template widgets give: same elements, attributes, values and options
(attribute order aside), for empty, filled and invalid forms."""

import pytest
from bs4 import BeautifulSoup
from django import forms

from inaproc.search.forms import DirectoryForm, NationalSearchForm
from inaproc.tenders.forms.public import QuickInput, QuickSelect, TenderFilterForm

PORTALS = [("lpse-a", "LPSE Alpha"), ("lpse-b", 'LPSE "Beta" & <Co>')]
FILLED = {
    "q": 'jalan "desa" <b>',
    "portal": "lpse-b",
    "jenis": "konstruksi",
    "tahun": "2026",
    "tahap": "open",
    "hps_min": "1.000.000",
    "hps_max": "5.000.000",
    "kbli": "41011",
    "lokasi": "jawa_barat",
    "kota": "Bandung",
    "urut": "hps_desc",
    "instansi": "Dinas & Co",
    "lpse": "Bandung",
    "wilayah": "bali",
}
INVALID = {"tahun": "1999", "kbli": "12", "hps_min": "banyak", "jenis": "nope", "portal": "x"}


def forms_of(data):
    yield NationalSearchForm(data, portals=PORTALS)
    yield TenderFilterForm(data)
    yield DirectoryForm(data)


def _django_render(bound: forms.BoundField) -> str:
    """The same field through Django's own template widget."""
    widget = bound.field.widget
    base = forms.Select if isinstance(widget, QuickSelect) else type(widget).__mro__[2]
    original = widget.render
    try:
        widget.render = lambda *args, **kwargs: base.render(widget, *args, **kwargs)
        return str(bound)
    finally:
        widget.render = original


def _parsed(html: str):
    soup = BeautifulSoup(html, "html.parser")
    # Whitespace between tags aside (the templates put options on lines of their own).
    return [
        (tag.name, dict(sorted(tag.attrs.items())), "".join(tag.get_text().split()))
        for tag in soup.find_all()
    ]


@pytest.mark.parametrize("data", [None, FILLED, INVALID], ids=["unbound", "filled", "invalid"])
def test_quick_widgets_render_as_django_widgets(data):
    checked = 0
    for form in forms_of(data):
        for bound in form:
            if not isinstance(bound.field.widget, QuickSelect | QuickInput):
                continue
            quick = str(bound)
            assert _parsed(quick) == _parsed(_django_render(bound)), (bound.name, quick)
            checked += 1
    assert checked >= 20  # the forms' fields are all quick ones


def test_quick_input_escapes_the_value():
    html = str(NationalSearchForm({"q": '"><script>'}, portals=PORTALS)["q"])

    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html


def test_remembered_options_follow_the_language():
    """The options are remembered per worker: a list drawn in Indonesian is not shown to
    an English reader, nor the other way round."""
    from django.utils import translation

    with translation.override("id"):
        indonesian = str(TenderFilterForm({})["tahap"])
    with translation.override("en"):
        english = str(TenderFilterForm({})["tahap"])
    with translation.override("id"):
        again = str(TenderFilterForm({})["tahap"])

    assert "Semua tahap" in indonesian and "Any stage" in english
    assert again == indonesian


def test_a_value_that_is_no_option_changes_nothing_and_is_not_remembered():
    """What a visitor sends that is not an option neither marks an option chosen nor
    makes a remembered entry of its own (the cache cannot be filled from outside)."""
    from inaproc.tenders.forms.public import _options_html

    first = str(TenderFilterForm({"jenis": "nope"})["jenis"])
    assert " selected" not in first  # as Django's own widget: nothing chosen
    before = _options_html.cache_info()
    for n in range(20):
        html = str(TenderFilterForm({"jenis": f"x{n}"})["jenis"])
        assert html == first
    after = _options_html.cache_info()

    assert after.currsize == before.currsize
    assert after.hits >= before.hits + 20


def test_each_form_shares_its_select_fields_choices_instead_of_copying_them():
    """QuickChoiceField: a form's copy of a select field shares the declared choices
    (Django deep-copies them per form); a form that assigns other choices (the national
    search's portals) changes only its own."""
    first = NationalSearchForm({}, portals=PORTALS)
    second = NationalSearchForm({}, portals=PORTALS[:1])

    for name in ("jenis", "metode", "tahap", "lokasi", "urut"):
        assert first.fields[name].choices is second.fields[name].choices
        assert first.fields[name].choices is NationalSearchForm.base_fields[name].choices
    assert [slug for slug, _label in first.fields["portal"].choices] == ["", "lpse-a", "lpse-b"]
    assert [slug for slug, _label in second.fields["portal"].choices] == ["", "lpse-a"]
    assert NationalSearchForm.base_fields["portal"].choices == []
    assert (
        first.fields["jenis"].widget.choices
        is not NationalSearchForm.base_fields["jenis"].widget.choices
    )
