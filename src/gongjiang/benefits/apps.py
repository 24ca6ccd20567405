from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "gongjiang.benefits"
    label = "benefits"
    verbose_name = _("Treatment")

    def ready(self):
        from gongjiang.benefits import receivers  # noqa: F401 - connects the signal receivers
