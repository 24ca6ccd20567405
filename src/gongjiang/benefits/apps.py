from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "gongjiang.benefits"
    label = "benefits"
    verbose_name = _("Treatment")

    def ready(self):
        # Inside ready(): models and receivers load once the app registry is ready (Django's app loading).
        from gongjiang.benefits import receivers  # noqa: PLC0415, F401 - connects the signal receivers
