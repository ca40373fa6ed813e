"""`get_FOO_display` from a cached map (inaproc/core/choices.py) says exactly what
Django's own says, for every model field with choices, in both languages."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from inaproc.accounts.models import LoginAttempt, LoginMethod, LoginOutcome
from inaproc.core.choices import _DJANGO_DISPLAY, fast_choice_display


def _choice_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.choices
    ]


def test_every_default_display_is_the_cached_one():
    """Every Django-made get_FOO_display was replaced (none left hashing its labels on
    each call); a model's own get_FOO_display would be left alone."""
    left = []
    for model, field in _choice_fields():
        method = vars(model).get(f"get_{field.name}_display")
        if isinstance(method, partialmethod) and method.func is _DJANGO_DISPLAY:
            left.append(f"{model.__name__}.{field.name}")
    assert not left
    assert len(_choice_fields()) > 20


@pytest.mark.parametrize("language", ["id", "en"])
def test_same_label_as_django_for_every_choice_and_an_unknown_value(language):
    """Each choice's label, an unknown value and an empty one: the same text (or the
    same non-string value) as Django's _get_FIELD_display, in the active language."""
    compared = 0
    with translation.override(language):
        for model, field in _choice_fields():
            values = [value for value, _label in field.flatchoices]
            values += ["no-such-choice", None]
            for value in values:
                instance = model()
                instance.__dict__[field.attname] = value  # past FSM's protected fields
                expected = _DJANGO_DISPLAY(instance, field)
                assert fast_choice_display(instance, field) == expected, (model, field, value)
                assert getattr(instance, f"get_{field.name}_display")() == expected
                compared += 1
    assert compared > 100


def test_label_follows_the_active_language():
    """The map holds lazy labels: the same row reads in Indonesian, then in English."""
    attempt = LoginAttempt(outcome=LoginOutcome.SUCCESS, method=LoginMethod.PASSWORD)
    with translation.override("en"):
        english = attempt.get_outcome_display()
    with translation.override("id"):
        indonesian = attempt.get_outcome_display()
    assert english == "Success"
    assert indonesian != english
    assert indonesian


def test_replaced_choices_are_read_again():
    """A field whose choices are replaced after the first call shows the new labels."""
    field = models.CharField(max_length=5, choices=[("a", "Alpha")])
    field.set_attributes_from_name("letter")

    class Row:
        letter = "a"

    assert fast_choice_display(Row(), field) == "Alpha"
    field.choices = [("a", "Alef")]
    assert fast_choice_display(Row(), field) == "Alef"


def test_callable_choices_are_read_on_each_call():
    """Choices given as a callable are computed on each call, as Django does."""
    current = [("a", "Alpha")]
    field = models.CharField(max_length=5, choices=lambda: list(current))
    field.set_attributes_from_name("letter")

    class Row:
        letter = "a"

    assert fast_choice_display(Row(), field) == "Alpha"
    current[:] = [("a", "Alef")]
    assert fast_choice_display(Row(), field) == "Alef"
