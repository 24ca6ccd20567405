from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongjiang.accounts"
    label = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        from gongjiang.accounts import signals  # noqa: F401  (connects login auditing)
