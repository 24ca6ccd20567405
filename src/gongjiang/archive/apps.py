from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "gongjiang.archive"
    label = "archive"
    verbose_name = _("Model-worker archive")

    def ready(self) -> None:
        from gongjiang.archive import tasks  # noqa: F401 (registers its kinds of background job)
