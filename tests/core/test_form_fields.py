"""`{% form_fields form %}` writes each field in Python: it must give exactly the HTML of
`{% for field in form %}{% include "components/field.html" %}{% endfor %}`, with help
texts, errors, `aria-describedby` and `autofocus` alike, in both languages."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from inaproc.search.forms import NationalSearchForm

PORTALS = [("lpse-a", "LPSE <Alpha> & co")]

INCLUDED = Template('{% for field in form %}{% include "components/field.html" %}{% endfor %}')
WRITTEN = Template("{% load inaproc %}{% form_fields form %}")


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="Your “name” & more", max_length=3)
    agree = forms.BooleanField(label="I agree")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B & b")], required=False)
    many = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("The whole form <is> wrong")


def both(form) -> tuple[str, str]:
    return INCLUDED.render(Context({"form": form})), WRITTEN.render(Context({"form": form}))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"q": "jalan <raya>", "jenis": "konstruksi", "lokasi": "jawa_barat"},
        # Invalid values: the field errors, aria-invalid, no autofocus on a field.
        {"q": "x", "tahun": "19", "hps_min": "abc", "jenis": "nothing", "urut": "?"},
        {"portal": "lpse-a", "kota": "Bandung & <Cimahi>", "hps_max": "1.000.000"},
    ],
)
def test_the_search_form_as_the_included_component(language, data):
    with translation.override(language):
        form = NationalSearchForm(data, portals=PORTALS)
        form.is_valid() if data is not None else None

        included, written = both(form)

    assert written == included
    assert 'class="field' in written


@pytest.mark.parametrize("data", [None, {"name": "toolong", "many": ["z"]}, {"name": "ok"}])
def test_every_kind_of_field_as_the_included_component(data):
    form = EveryKindForm(data)

    included, written = both(form)

    assert written == included
    if data:
        assert "has-error" in written
        assert "&lt;b&gt;" in written  # the label escaped
