from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "inaproc.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from inaproc.core.choices import install_fast_choice_display

        install_fast_choice_display()
