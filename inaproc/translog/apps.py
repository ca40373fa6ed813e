from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslogConfig(AppConfig):
    name = "inaproc.translog"
    verbose_name = _("Transparency log")
