from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "gongjiang.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self):
        # Registered once the app registry is ready (Django's app loading), not at import.
        from gongjiang.accounts import audit, menu, notices  # noqa: PLC0415
        from gongjiang.care import permissions, visit_selectors  # noqa: PLC0415

        permissions.grant_roles()
        notices.register(visit_selectors.overdue_notice)
        # What a check-up found stays between the person and the doctor: the log keeps only that
        # a follow-up was noted, never the note.
        audit.SENSITIVE_FIELDS[("care.invitation", "follow_up")] = audit.redact
        audit.SENSITIVE_FIELDS[("care.invitation", "follow_up_note")] = audit.redact
        # What a visit learns is a private matter, as the hardship file's fields are.
        for field in ("health", "family", "income", "thoughts", "living", "housing"):
            audit.SENSITIVE_FIELDS[("care.visit", field)] = audit.redact
        for obj, field in (("care.need", "description"), ("care.need", "resolution"), ("care.needstep", "note")):
            audit.SENSITIVE_FIELDS[(obj, field)] = audit.redact
        menu.register(
            menu.Item(
                group="care",
                label=_("Care this year"),
                url_name="care:year",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_year",
                order=5,
            ),
            menu.Item(
                group="care",
                label=_("Health check-ups"),
                url_name="care:checkups",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_checkups",
                order=10,
            ),
            menu.Item(
                group="care",
                label=_("Recuperation stays"),
                url_name="care:stays",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_stays",
                order=20,
            ),
            menu.Item(
                group="care",
                label=_("Visits"),
                url_name="care:plans",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_visits",
                order=30,
            ),
            menu.Item(
                group="care",
                label=_("Needs followed up"),
                url_name="care:needs",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_needs",
                order=40,
            ),
            menu.Item(
                group="care",
                label=_("Care events"),
                url_name="care:events",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_events",
                order=50,
            ),
            menu.Item(
                group="care",
                label=_("Eligibility and priority"),
                url_name="care:rules",
                perm=permissions.CarePerm.VIEW_CARE,
                section="care_rules",
                order=90,
            ),
        )
