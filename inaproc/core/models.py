from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


@cache
def fsm_state_fields(model: type[models.Model]) -> tuple[FSMFieldMixin, ...]:
    """The FSM fields of `model`, found once per model class. django_fsm's
    ConcurrentTransitionMixin looks them up among all the model's fields each time an
    instance is made (a list page of 100 packages: 3,700 checks); a model overrides its
    `state_fields` property with this."""
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))
