from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "gongjiang.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        # Inside ready(): models and receivers load once the app registry is ready (Django's app loading).
        from gongjiang.api import receivers  # noqa: PLC0415, F401 - connects the signal receivers
