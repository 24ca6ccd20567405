from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    name = "gongjiang.rosters"
    label = "rosters"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from gongjiang.rosters import tasks  # noqa: F401 (registers its kinds of background job)
