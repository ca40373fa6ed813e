from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "inaproc.tenders"
    label = "tenders"
    verbose_name = _("Tenders")

    def ready(self) -> None:
        from inaproc.announcements.signals import outage_recorded
        from inaproc.tenders.receivers import on_outage_recorded

        outage_recorded.connect(on_outage_recorded, dispatch_uid="tenders.outage_grace")
