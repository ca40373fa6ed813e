from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from inaproc.announcements.middleware import is_portal_staff, maintenance_state


def maintenance(request: HttpRequest) -> dict:
    """`maintenance` (windows with a banner now) and whether the viewer is staff who may
    work through a window. Lazy: pages that show no banner cost no query."""
    return {
        "maintenance": SimpleLazyObject(lambda: maintenance_state(request)),
        "maintenance_staff": SimpleLazyObject(lambda: is_portal_staff(request)),
    }
