from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "inaproc.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from inaproc.accounts.captcha import CAPTCHA_HOLE, new_challenge
        from inaproc.core.pagecache import page_hole_maker_register

        page_hole_maker_register(CAPTCHA_HOLE, new_challenge)
