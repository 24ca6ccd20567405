from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "gongjiang.platform"
    label = "platform"
    verbose_name = _("The 三创 platform")

    def ready(self):
        from gongjiang.accounts import reach
        from gongjiang.platform import (
            receivers,  # noqa: F401 - connects the signal receivers
            selectors,
        )

        # What a studio leader reaches: accounts asks, platform answers (accounts imports no platform).
        reach.register(team_member_ids=selectors.led_team_member_ids, led_unit_ids=selectors.led_unit_ids)
