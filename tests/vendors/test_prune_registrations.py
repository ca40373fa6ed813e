"""`prune_registrations`: files held for abandoned registration forms go after a day;
registrations nobody confirmed go a week after their last link."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inaproc.accounts.models import User
from inaproc.audit.models import AuditEvent
from inaproc.files.models import HeldUpload
from inaproc.files.services import held_uploads_add
from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import Company, Document, Registration
from inaproc.vendors.registrations.services.confirmation import confirmation_resend
from tests.vendors.builders import checked, company_data, register, register_submitted

pytestmark = pytest.mark.django_db

NONE_EXPIRED = (
    "Deleted 0 registration(s) left unconfirmed for more than 7 days "
    "(account, company and documents).\n"
)


def prune() -> str:
    out = io.StringIO()
    call_command("prune_registrations", stdout=out)
    return out.getvalue()


def stored_files(root) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_held_uploads_older_than_a_day_are_deleted_with_their_files(portal_a, document_root):
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=24, minutes=1), tick=False):
        old = held_uploads_add(
            portal=portal_a,
            key="ditinggalkan",
            items=[checked(DocumentKind.NIB), checked(DocumentKind.NPWP_CARD)],
        )
    with time_machine.travel(now - timedelta(hours=23, minutes=59), tick=False):
        recent = held_uploads_add(portal=portal_a, key="masih-diisi", items=[checked("nib")])

    with time_machine.travel(now, tick=False):
        output = prune()

    assert (
        output == "Deleted 2 held upload(s) older than 24 hours (rows and files).\n" + NONE_EXPIRED
    )
    assert list(HeldUpload.objects.all()) == recent
    assert stored_files(document_root) == [recent[0].stored_name]
    assert not {h.stored_name for h in old} & set(stored_files(document_root))


def test_documents_of_confirmed_registrations_are_never_pruned(portal_a, document_root):
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        registration = register_submitted(portal_a)
    files = stored_files(document_root)

    output = prune()

    assert (
        output == "Deleted 0 held upload(s) older than 24 hours (rows and files).\n" + NONE_EXPIRED
    )
    assert Document.objects.filter(company=registration.company).count() == 4
    assert stored_files(document_root) == files


def test_a_file_already_gone_does_not_stop_the_pruning(portal_a, document_root):
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        held = held_uploads_add(
            portal=portal_a,
            key="k",
            items=[checked(DocumentKind.NIB), checked(DocumentKind.NPWP_CARD)],
        )
    (document_root / held[0].stored_name).unlink()

    output = prune()

    assert (
        output == "Deleted 2 held upload(s) older than 24 hours (rows and files).\n" + NONE_EXPIRED
    )
    assert HeldUpload.objects.count() == 0
    assert stored_files(document_root) == []


def test_a_registration_nobody_confirmed_goes_a_week_after_its_last_link(
    portal_a, document_root, django_capture_on_commit_callbacks
):
    """Someone registered an NPWP with a wrong (or someone else's) address: after a week the
    account, company and documents go, and the real company can register that NPWP."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=7, minutes=1), tick=False):
        stale = register(portal_a)
    with time_machine.travel(now - timedelta(days=6, hours=23), tick=False):
        fresh = register(portal_a)
    with time_machine.travel(now - timedelta(days=30), tick=False):
        confirmed = register_submitted(portal_a)
    stale_npwp, stale_username = stale.company.npwp, stale.applicant.username
    stale_files = set(stale.company.documents.values_list("stored_name", flat=True))

    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        output = prune()

    assert output.splitlines()[1] == (
        "Deleted 1 registration(s) left unconfirmed for more than 7 days "
        "(account, company and documents)."
    )
    assert set(Registration.objects.all()) == {fresh, confirmed}
    assert not Company.objects.filter(npwp=stale_npwp).exists()
    assert not User.objects.filter(username=stale_username).exists()
    assert not stale_files & set(stored_files(document_root))
    event = AuditEvent.objects.get(verb="registration.expired")
    assert event.actor is None
    assert event.payload == {"npwp": stale_npwp, "username": stale_username}
    # The NPWP is free again.
    register(portal_a, company=company_data(npwp=stale_npwp))


def test_a_new_link_restarts_the_week(portal_a):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        registration = register(portal_a)
    with time_machine.travel(now - timedelta(days=2), tick=False):
        assert confirmation_resend(registration_id=registration.pk) == 0

    with time_machine.travel(now, tick=False):
        output = prune()

    assert output.endswith(NONE_EXPIRED)
    assert Registration.objects.filter(pk=registration.pk).exists()
