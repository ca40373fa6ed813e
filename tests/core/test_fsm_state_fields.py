"""The models with django_fsm's ConcurrentTransitionMixin find their state fields once
per class (inaproc/core/models.py): the same fields the mixin would find, so a save
still refuses a transition whose starting state changed meanwhile."""

import pytest
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin

from inaproc.tenders.models import Package
from inaproc.vendors.models import ChangeRequest, Registration


@pytest.mark.parametrize("model", [Package, Registration, ChangeRequest])
def test_the_same_state_fields_as_django_fsm_finds(model):
    """Each model's cached fields are the mixin's own answer, and not empty."""
    instance = model()
    mixins = list(ConcurrentTransitionMixin.state_fields.fget(instance))
    assert mixins
    assert list(instance.state_fields) == mixins
    assert all(isinstance(field, FSMFieldMixin) for field in instance.state_fields)
