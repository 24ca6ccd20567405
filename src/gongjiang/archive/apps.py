from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "gongjiang.archive"
    label = "archive"
    verbose_name = _("Model-worker archive")

    def ready(self) -> None:
        # Inside ready(): models and receivers load once the app registry is ready (Django's app loading).
        from gongjiang.archive import tasks  # noqa: PLC0415, F401 (registers its kinds of background job)
