from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "inaproc.award"
    verbose_name = _("Award letters and contracts")
