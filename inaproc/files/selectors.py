from inaproc.files.models import HeldUpload
from inaproc.files.services import held_key_hash
from inaproc.portals.models import Portal


def held_uploads(*, portal: Portal, key: str) -> list[HeldUpload]:
    if not key:
        return []
    return list(HeldUpload.objects.filter(portal=portal, key_hash=held_key_hash(key)))
