from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "gongjiang.platform"
    label = "platform"
    verbose_name = _("The 三创 platform")

    def ready(self):
        from gongjiang.platform import receivers  # noqa: F401 - connects the signal receivers
