"""The shared tender factories build valid rows (they are used by every tender test)."""

from django.utils import timezone

from inaproc.tenders.models import PackageState
from inaproc.tenders.stages import CLARIFICATION, standing_at
from tests.factories import make_portal
from tests.tenders.factories import make_package, make_participant, make_pokja, make_schedule


def test_factories_build_a_published_tender_in_clarification(db):
    portal = make_portal()
    pokja = make_pokja(portal)
    package = make_package(portal, state=PackageState.PUBLISHED, pokja=pokja)
    stages = make_schedule(package, running=CLARIFICATION)
    make_participant(package)
    assert pokja.members.count() == 3
    assert str(package.code).endswith(f"{portal.pk % 1000:03d}")
    assert standing_at(stages, timezone.now()).is_running(CLARIFICATION)
    assert package.participations.count() == 1
