"""Background work of sealed bids: thin and idempotent (STYLE.md)."""

from django_tasks import task

from inaproc.bids.models import TenderKey
from inaproc.bids.services.bids import receipt_email_send
from inaproc.bids.services.opening import envelope_open


@task()
def open_envelope(*, tender_key_id: int) -> bool:
    """Open (or finish opening) an envelope whose private key has been rebuilt."""
    key = TenderKey.objects.filter(pk=tender_key_id).first()
    if key is None:
        return False
    return envelope_open(key=key).opened_at is not None


@task()
def email_receipt(*, version_id: int) -> int:
    """Email a submitted bid's receipt to the company's acting users."""
    return receipt_email_send(version_id=version_id)
