from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongjiang.accounts"
    label = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        # Inside ready(): models and receivers load once the app registry is ready (Django's app loading).
        from gongjiang.accounts import signals  # noqa: PLC0415, F401  (connects login auditing)
