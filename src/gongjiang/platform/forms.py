from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts import permissions
from gongjiang.accounts.models import Organisation
from gongjiang.archive.enums import Level
from gongjiang.archive.models import Employer, ModelWorker
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.core.forms import DateInput
from gongjiang.platform import selectors
from gongjiang.platform.enums import (
    AchievementKind,
    AchievementLevel,
    Aggregation,
    Grade,
    HonourScope,
    MentorshipState,
    ProjectRole,
    ProjectStatus,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import PlatformPolicy, Target


class Picker(forms.Select):
    """A select that is searched, never listed: only the chosen option is rendered, and typing
    in the search box fetches matches (htmx) from ``url``. A million people stay on the server."""

    template_name = "platform/widgets/picker.html"

    def __init__(self, url, attrs=None):
        super().__init__(attrs=attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = str(self.url)
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in (None, "")]
        options = [self.create_option(name, "", "—", not chosen, 0)]
        queryset = getattr(self.choices, "queryset", None)
        if chosen and queryset is not None:
            for i, obj in enumerate(queryset.filter(pk__in=chosen)):
                options.append(self.create_option(name, str(obj.pk), picker_label(obj), True, i + 1))
        return [(None, options, 0)]


def picker_label(obj) -> str:
    if isinstance(obj, ModelWorker):
        level = Level(obj.highest_level).label if obj.highest_level != Level.NONE else ""
        return f"{obj.name}（{level + '劳模，' if level else ''}档案号 {obj.pk}）"
    return str(obj)


class PersonField(forms.ModelChoiceField):
    def __init__(self, user, **kwargs):
        super().__init__(
            queryset=visible_model_workers(user), widget=Picker(reverse_lazy("platform:pick_person")), **kwargs
        )


class OverviewForm(forms.Form):
    """The overview at the end of a past year, and the years whose results are counted."""

    year = forms.IntegerField(label=_("At the end of (year)"), required=False, min_value=1949, max_value=2100)
    results_from = forms.IntegerField(label=_("Results from (year)"), required=False, min_value=1949, max_value=2100)
    results_to = forms.IntegerField(label=_("Results to (year)"), required=False, min_value=1949, max_value=2100)

    def choice(self, today) -> dict:
        """The overview's arguments; a year not yet over shows today."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        year = data["year"] if data["year"] is not None and data["year"] < today.year else None
        return {"year": year, "results_from": data["results_from"], "results_to": data["results_to"]}


class UnitForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the unit"),
        max_length=100,
        help_text=_("e.g. 李贤凝劳模创新工作室; for a standard-bearer, the person and the trade"),
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    leader = forms.ModelChoiceField(
        label=_("Leader"),
        queryset=ModelWorker.objects.none(),
        required=False,
        help_text=_("Search by name, pinyin or the last four characters of the ID number."),
    )
    leader_name = forms.CharField(
        label=_("Leader (not in the archive)"),
        max_length=50,
        required=False,
        help_text=_("Only for a star post or standard-bearer led by someone who is not a model worker."),
    )
    union = forms.ModelChoiceField(label=_("Union"), queryset=Organisation.objects.none())
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none(), required=False)
    field = forms.CharField(label=_("Trade or field"), max_length=60, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    founded_on = forms.DateField(label=_("Date founded"), widget=DateInput(), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"] = PersonField(
            user, label=_("Leader"), required=False, help_text=self.fields["leader"].help_text
        )

        scope = permissions.union_scope(user)
        unions = Organisation.objects.filter(parent__isnull=False, is_active=True).order_by("sort_order", "name")
        self.fields["union"].queryset = unions if scope is None else unions.filter(pk__in=scope)
        self.fields["employer"].queryset = selectors.visible_employers(user)
        self.fields["employer"].widget = Picker(reverse_lazy("platform:pick_employer"))
        if editing:
            del self.fields["tier"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Do not approve"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AwardForm(forms.Form):
    on = forms.DateField(label=_("Awarded on"), widget=DateInput())
    stars = forms.IntegerField(label=_("Stars (star posts)"), min_value=1, max_value=9, required=False)
    override_reason = forms.CharField(
        label=_("Reason for awarding before the six haves are met"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only for an exception the federation makes; it is kept in the unit's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class HaveForm(forms.Form):
    met = forms.BooleanField(label=_("Met"), required=False)
    note = forms.CharField(label=_("How it is met"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, picture, Word or Excel; up to 20 MB."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class MemberForm(forms.Form):
    model_worker = forms.ModelChoiceField(label=_("Model worker"), queryset=ModelWorker.objects.none(), required=False)
    name = forms.CharField(label=_("Name (not in the archive)"), max_length=50, required=False)
    position = forms.CharField(label=_("Post or speciality"), max_length=60, required=False)
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model_worker"] = PersonField(user, label=_("Model worker"), required=False)


class EndMemberForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Date"), widget=DateInput())
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(
        label=_("Put right by"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty if nothing needs putting right."),
    )


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    close = forms.BooleanField(label=_("Put right: close the inspection"), required=False)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AchievementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AchievementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1949)
    achieved_on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *AchievementLevel.choices], required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role in the project"), choices=[("", "—"), *ProjectRole.choices], required=False)
    project_status = forms.ChoiceField(
        label=_("Project status"), choices=[("", "—"), *ProjectStatus.choices], required=False
    )
    scope = forms.ChoiceField(
        label=_("Collective or individual"), choices=[("", "—"), *HonourScope.choices], required=False
    )
    person = forms.ModelChoiceField(label=_("Model worker"), queryset=ModelWorker.objects.none(), required=False)
    person_name = forms.CharField(label=_("Person (not in the archive)"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(
        label=_("Evidence"), required=False, help_text=_("PDF, picture, Word or Excel; up to 20 MB.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonField(user, label=_("Model worker"), required=False)
        self.fields["year"].initial = timezone.localdate().year


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MentorshipForm(forms.Form):
    master = forms.ModelChoiceField(
        label=_("Master (model worker)"), queryset=ModelWorker.objects.none(), required=False
    )
    master_name = forms.CharField(label=_("Master (not in the archive)"), max_length=50, required=False)
    apprentice_name = forms.CharField(label=_("Apprentice"), max_length=50)
    agreed_on = forms.DateField(label=_("Agreement signed on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["master"] = PersonField(user, label=_("Master (model worker)"), required=False)


class OutcomeForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=MentorshipState.choices)
    contest_place = forms.CharField(
        label=_("Contest place"), max_length=100, required=False, help_text=_("e.g. 市职业技能大赛二等奖")
    )
    grade_reached = forms.CharField(label=_("Grade reached"), max_length=60, required=False, help_text=_("e.g. 技师"))
    outcome_on = forms.DateField(label=_("Outcome on"), widget=DateInput(), required=False)
    reward = forms.CharField(label=_("Reward to the master"), max_length=100, required=False)


class ExpenseForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DateInput())
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    receipt = forms.FileField(label=_("Receipt"), required=False, help_text=_("PDF or picture."))


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=60)
    tiers = forms.MultipleChoiceField(
        label=_("Tiers"), choices=Tier.choices, widget=forms.CheckboxSelectMultiple, initial=Tier.values
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].initial = year
        self.fields["title"].initial = f"{year} 年度考评"


class CaseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReReviewForm(forms.Form):
    passed = forms.ChoiceField(
        label=_("Result"), choices=[("yes", _("Put right")), ("no", _("Not put right"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=12, decimal_places=0, min_value=0)
    grant_new_studio = forms.DecimalField(
        label=_("Grant to a new studio (yuan)"), max_digits=12, decimal_places=0, min_value=0
    )
    grant_reconfirmed_studio = forms.DecimalField(
        label=_("Grant to a re-confirmed studio (yuan)"), max_digits=12, decimal_places=0, min_value=0
    )
    weight_studio = forms.DecimalField(label=_("Weight: studio"), min_value=0, decimal_places=2)
    weight_star_post = forms.DecimalField(label=_("Weight: star post"), min_value=0, decimal_places=2)
    weight_standard_bearer = forms.DecimalField(label=_("Weight: standard-bearer"), min_value=0, decimal_places=2)
    weight_excellent = forms.DecimalField(label=_("Weight: 优秀"), min_value=0, decimal_places=2)
    weight_good = forms.DecimalField(label=_("Weight: 良好"), min_value=0, decimal_places=2)
    weight_pass = forms.DecimalField(label=_("Weight: 合格"), min_value=0, decimal_places=2)
    weight_fail = forms.DecimalField(label=_("Weight: 不合格"), min_value=0, decimal_places=2)
    weight_none = forms.DecimalField(label=_("Weight: not yet evaluated"), min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    @classmethod
    def initial_from(cls, plan=None) -> dict:
        policy = PlatformPolicy.current()
        source = plan or policy
        tier_w, grade_w = source.tier_weights, source.grade_weights
        initial = {
            "year": plan.year if plan else timezone.localdate().year,
            "budget": plan.budget if plan else None,
            "grant_new_studio": source.grant_new_studio,
            "grant_reconfirmed_studio": source.grant_reconfirmed_studio,
            "note": plan.note if plan else "",
        }
        for tier in Tier.values:
            initial[f"weight_{tier}"] = tier_w.get(tier, "0")
        for grade in [*Grade.values, "none"]:
            initial[f"weight_{grade}"] = grade_w.get(grade, "0")
        return initial

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "year": d["year"],
            "budget": d["budget"],
            "grant_new_studio": d["grant_new_studio"],
            "grant_reconfirmed_studio": d["grant_reconfirmed_studio"],
            "note": d["note"],
            "tier_weights": {t: str(d[f"weight_{t}"]) for t in Tier.values},
            "grade_weights": {g: str(d[f"weight_{g}"]) for g in [*Grade.values, "none"]},
        }


class DisburseForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["name", "first_year", "last_year", "studios", "star_posts", "standard_bearers"]


class PolicyForm(forms.ModelForm):
    star_thresholds_text = forms.CharField(
        label=_("Score for each star"),
        max_length=60,
        help_text=_("One score per star, rising, separated by commas: 60, 80, 90"),
    )

    class Meta:
        model = PlatformPolicy
        fields = [
            "max_stars",
            "studio_leader_level",
            "plaque_prefix",
            "aggregation",
            "min_reviewers",
            "band_excellent",
            "band_good",
            "band_pass",
            "promote_rounds",
            "remove_after_fails",
            "warning_days",
            "grant_new_studio",
            "grant_reconfirmed_studio",
        ]
        widgets = {
            "aggregation": forms.RadioSelect(choices=Aggregation.choices),
            "studio_leader_level": forms.Select(
                choices=[
                    (1, Level.NATIONAL.label),
                    (2, Level.PROVINCIAL.label),
                    (3, Level.MUNICIPAL.label),
                    (4, Level.DISTRICT.label),
                ]
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["star_thresholds_text"].initial = ", ".join(str(t) for t in self.instance.star_thresholds or [])

    def clean_star_thresholds_text(self):
        raw = self.cleaned_data["star_thresholds_text"].replace("，", ",")
        try:
            return [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("Give whole-number scores separated by commas.")) from None

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "star_thresholds_text"}
        data["star_thresholds"] = self.cleaned_data["star_thresholds_text"]
        return data


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["status"].choices = [("", _("Established")), ("all", _("All")), *UnitStatus.choices]
