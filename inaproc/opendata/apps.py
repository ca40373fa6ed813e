from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "inaproc.opendata"
    label = "opendata"
    verbose_name = _("Open data (OCDS)")
    default_auto_field = "django.db.models.BigAutoField"
