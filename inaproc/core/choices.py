"""`get_FOO_display` without re-hashing every choice's label on each call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on
every call: it flattens the choices and hashes each lazy label, which translates it
(a login activity page of 40 rows made ~400 gettext calls for its two choice columns).
`fast_choice_display` builds the value → label map once per field and translates only
the label it returns: the same text, in the language active at the call.
"""

from collections.abc import Callable
from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator, flatten_choices
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_DJANGO_DISPLAY: Callable[..., Any] = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def _labels(field: models.Field) -> dict[Any, Any] | None:
    """The field's value → label map, built once for its current `choices` (rebuilt if
    they are replaced); None for choices computed on each use (a callable)."""
    choices = field.choices
    if isinstance(choices, CallableChoiceIterator):
        return None
    cached = field.__dict__.get("_inaproc_choice_labels")
    if cached is None or cached[0] is not choices:
        pairs: list[tuple[Any, Any]] = list(flatten_choices(choices))  # type: ignore[arg-type]
        labels = {make_hashable(value): label for value, label in pairs}
        cached = (choices, labels)
        field.__dict__["_inaproc_choice_labels"] = cached
    return cached[1]


def fast_choice_display(instance: models.Model, field: models.Field) -> Any:
    """What Django's `_get_FIELD_display` returns, from the field's cached map."""
    labels = _labels(field)
    if labels is None:
        return _DJANGO_DISPLAY(instance, field)
    value = getattr(instance, field.attname)
    try:
        label = labels.get(make_hashable(value), value)
    except TypeError:  # a value that cannot be hashed: Django's own path decides
        return _DJANGO_DISPLAY(instance, field)
    return force_str(label, strings_only=True)


def install_fast_choice_display() -> int:
    """Point every model's Django-made `get_FOO_display` at `fast_choice_display`
    (those a model defines itself are left alone); returns how many were replaced.
    Called once from CoreConfig.ready(), when every model class exists."""
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not field.choices:
                continue
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if (
                isinstance(method, partialmethod)
                and method.func is _DJANGO_DISPLAY
                and method.keywords.get("field") is field
            ):
                setattr(model, name, partialmethod(fast_choice_display, field=field))
                replaced += 1
    return replaced
