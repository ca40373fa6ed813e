from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "inaproc.bids"
    verbose_name = _("Sealed bids")
