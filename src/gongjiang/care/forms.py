from django import forms
from django.utils.translation import gettext_lazy as _

from gongjiang.care.enums import CampaignKind, Criterion, NeedSource, Occasion, Satisfaction
from gongjiang.care.models import Batch, Visit
from gongjiang.care.services.visits import FINDINGS
from gongjiang.core.forms import DateInput


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1979, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100, required=False, help_text=_("Left empty: year and kind."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["name", "starts_on", "ends_on", "place", "capacity", "cost_per_person", "programme"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "programme": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind: str = CampaignKind.CHECKUP, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False
        if kind == CampaignKind.CHECKUP:
            self.fields["place"].label = _("Institution")
            del self.fields["cost_per_person"]
            del self.fields["programme"]
        else:
            self.fields["place"].label = _("Destination")
            self.fields["programme"].help_text = _("One item a line, e.g. a mental-health talk, a healthy-eating talk.")

    def _post_clean(self):  # the service validates; the form only parses
        pass


class InviteForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.HiddenInput)
    waiting = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accepted")), ("decline", _("Declined"))])


class AttendanceForm(forms.Form):
    attended = forms.ChoiceField(label=_("Attendance"), choices=[("yes", _("Attended")), ("no", _("Did not attend"))])
    follow_up = forms.BooleanField(label=_("Needs follow-up"), required=False)
    note = forms.CharField(
        label=_("Follow-up note"),
        required=False,
        max_length=300,
        help_text=_("Only what care needs to follow up; the medical report goes to the person, never here."),
    )


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    working_every = forms.IntegerField(
        label=_("Working model workers: every (years)"), required=False, min_value=1, max_value=10
    )
    retired_every = forms.IntegerField(
        label=_("Retired model workers: every (years)"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Left empty: not invited."),
    )
    first = forms.ChoiceField(label=_("Priority 1"), choices=Criterion.choices)
    second = forms.ChoiceField(label=_("Priority 2"), choices=[("", "—"), *Criterion.choices], required=False)
    third = forms.ChoiceField(label=_("Priority 3"), choices=[("", "—"), *Criterion.choices], required=False)
    fourth = forms.ChoiceField(label=_("Priority 4"), choices=[("", "—"), *Criterion.choices], required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def priority(self) -> list[str]:
        d = self.cleaned_data
        return [c for c in (d["first"], d.get("second"), d.get("third"), d.get("fourth")) if c]


class PlanForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1979, max_value=2100)
    title = forms.CharField(
        label=_("Title"), max_length=100, required=False, help_text=_("Left empty: year and occasion.")
    )


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["occasion", "mode", "visited_on", "visitors", *FINDINGS, "allowance"]
        widgets = {
            "visited_on": DateInput(),
            **{f: forms.Textarea(attrs={"rows": 2}) for f in FINDINGS},
        }

    def __init__(self, *args, planned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if planned:
            del self.fields["occasion"]

    def _post_clean(self):  # the service validates; the form only parses
        pass


class NeedForm(forms.Form):
    source = forms.ChoiceField(label=_("Raised"), choices=NeedSource.choices)
    description = forms.CharField(label=_("Need"), widget=forms.Textarea(attrs={"rows": 3}))
    holder = forms.ModelChoiceField(label=_("Held by"), queryset=None)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders


class StepForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
    satisfaction = forms.ChoiceField(label=_("The person's satisfaction"), choices=Satisfaction.choices)


class VisitRuleForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    age_at_least = forms.IntegerField(label=_("Aged at least"), min_value=60, max_value=110)
    months_without_visit = forms.IntegerField(label=_("Months without a visit"), min_value=1, max_value=60)


class CondolenceForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=None, empty_label=None)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_(
            "Money: the amount given. Goods: the scheme hands out its own items; give their value or leave empty."
        ),
    )

    def __init__(self, *args, schemes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
