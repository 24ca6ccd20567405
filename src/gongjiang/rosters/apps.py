from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    name = "gongjiang.rosters"
    label = "rosters"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        # Inside ready(): models and receivers load once the app registry is ready (Django's app loading).
        from gongjiang.rosters import tasks  # noqa: PLC0415, F401 (registers its kinds of background job)
