from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "gongjiang.platform"
    label = "platform"
    verbose_name = _("The 三创 platform")

    def ready(self):
        # Inside ready(): models and receivers load once the app registry is ready (Django's app loading).
        from gongjiang.accounts import reach  # noqa: PLC0415
        from gongjiang.platform import (  # noqa: PLC0415
            receivers,  # noqa: F401 - connects the signal receivers
            selectors,
        )

        # What a studio leader reaches: accounts asks, platform answers (accounts imports no platform).
        reach.register(team_member_ids=selectors.led_team_member_ids, led_unit_ids=selectors.led_unit_ids)
