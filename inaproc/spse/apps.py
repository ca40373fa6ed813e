from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpseConfig(AppConfig):
    name = "inaproc.spse"
    verbose_name = _("SPSE-compatible public endpoints")
