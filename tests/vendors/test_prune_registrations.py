"""`prune_registrations`: files held for abandoned registration forms go after a day."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inaproc.vendors.documents import DocumentKind
from inaproc.vendors.models import Document, HeldUpload
from inaproc.vendors.services.uploads import held_uploads_add
from tests.vendors.builders import checked, register

pytestmark = pytest.mark.django_db


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

    assert output == "Deleted 2 held upload(s) older than 24 hours (rows and files).\n"
    assert list(HeldUpload.objects.all()) == recent
    assert stored_files(document_root) == [recent[0].stored_name]
    assert not {h.stored_name for h in old} & set(stored_files(document_root))


def test_documents_are_never_pruned(portal_a, document_root):
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        registration = register(portal_a)
    files = stored_files(document_root)

    output = prune()

    assert output == "Deleted 0 held upload(s) older than 24 hours (rows and files).\n"
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

    assert output == "Deleted 2 held upload(s) older than 24 hours (rows and files).\n"
    assert HeldUpload.objects.count() == 0
    assert stored_files(document_root) == []
