from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "inaproc.reference"
    label = "reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from inaproc.reference import checks  # noqa: F401  (registers the system check)
