import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.archive.enums import HardshipCategory, Level, Status
from gongjiang.benefits.enums import HoldReason
from gongjiang.benefits.models import Item, Scheme
from gongjiang.core.forms import DateInput

LEVELS = [(lv.value, lv.label) for lv in (Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT)]
STATUSES = [(Status.WORKING, Status.WORKING.label), (Status.RETIRED, Status.RETIRED.label)]


class MonthField(forms.DateField):
    """A period picked as a month (<input type="month">), or any day in it."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d", "%Y.%m", "%Y年%m月"]


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["name", "kind", "period", "one_off_date", "purpose", "description", "ledger_from", "is_active"]
        widgets = {
            "one_off_date": DateInput(),
            "ledger_from": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class RuleForm(forms.Form):
    label = forms.CharField(label=_("Name of the standard"), max_length=60, help_text=_("e.g. 2016 年标准"))
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=DateInput(),
        help_text=_("The first day of a period. A date in the past creates arrears."),
    )
    effective_to = forms.DateField(label=_("Effective until"), widget=DateInput(), required=False)
    statuses = forms.MultipleChoiceField(label=_("Paid to"), choices=STATUSES, widget=forms.CheckboxSelectMultiple)
    levels = forms.TypedMultipleChoiceField(
        label=_("Levels"), choices=LEVELS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    amount_1 = forms.DecimalField(label=_("Amount, national (yuan)"), required=False, min_value=0, decimal_places=2)
    amount_2 = forms.DecimalField(label=_("Amount, provincial (yuan)"), required=False, min_value=0, decimal_places=2)
    amount_3 = forms.DecimalField(label=_("Amount, municipal (yuan)"), required=False, min_value=0, decimal_places=2)
    amount_4 = forms.DecimalField(label=_("Amount, district (yuan)"), required=False, min_value=0, decimal_places=2)
    supplement_before_year = forms.IntegerField(
        label=_("Supplement for titles granted before"), required=False, min_value=1949, max_value=2100
    )
    supplement_1 = forms.DecimalField(label=_("Supplement, national"), required=False, min_value=0, decimal_places=2)
    supplement_2 = forms.DecimalField(label=_("Supplement, provincial"), required=False, min_value=0, decimal_places=2)
    supplement_3 = forms.DecimalField(label=_("Supplement, municipal"), required=False, min_value=0, decimal_places=2)
    medal_level = forms.TypedChoiceField(
        label=_("May Day medal treated as"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("not counted")), *LEVELS[:3]],
    )
    requires_hardship = forms.BooleanField(label=_("Only people in hardship"), required=False)
    hardship_categories = forms.MultipleChoiceField(
        label=_("Hardship categories"),
        required=False,
        choices=HardshipCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    income_line_working = forms.DecimalField(
        label=_("Income line, working (yuan a month)"), required=False, min_value=0, decimal_places=2
    )
    income_line_retired = forms.DecimalField(
        label=_("Income line, retired (yuan a month)"), required=False, min_value=0, decimal_places=2
    )
    income_cap = forms.DecimalField(label=_("Cap of the aid (yuan)"), required=False, min_value=0, decimal_places=2)

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "label": d["label"],
            "effective_from": d["effective_from"],
            "effective_to": d.get("effective_to"),
            "statuses": d["statuses"],
            "levels": d["levels"],
            "amounts": {str(i): d.get(f"amount_{i}") for i in range(1, 5) if d.get(f"amount_{i}") is not None},
            "supplement_before_year": d.get("supplement_before_year"),
            "supplements": {str(i): d.get(f"supplement_{i}") for i in range(1, 4) if d.get(f"supplement_{i}")},
            "medal_level": d.get("medal_level"),
            "requires_hardship": d.get("requires_hardship", False),
            "hardship_categories": d.get("hardship_categories") or [],
            "income_line_working": d.get("income_line_working"),
            "income_line_retired": d.get("income_line_retired"),
            "income_cap": d.get("income_cap"),
        }

    @staticmethod
    def initial_from(rule) -> dict:
        initial = {
            k: getattr(rule, k)
            for k in (
                "label",
                "effective_from",
                "effective_to",
                "statuses",
                "levels",
                "supplement_before_year",
                "medal_level",
                "requires_hardship",
                "hardship_categories",
                "income_line_working",
                "income_line_retired",
                "income_cap",
            )
        }
        for level, amount in rule.amounts.items():
            initial[f"amount_{level}"] = amount
        for level, amount in (rule.supplements or {}).items():
            initial[f"supplement_{level}"] = amount
        return initial


class GenerateForm(forms.Form):
    period = MonthField(label=_("Period"), help_text=_("For a quarterly or yearly scheme, any month of the period."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = timezone.localdate().replace(day=1)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PayAllForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Bank reference"), max_length=60, required=False)


class LineResultForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(choices=[("paid", _("Paid")), ("failed", _("Failed"))], widget=forms.RadioSelect)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), required=False)
    # One box on the line: the bank's reference when paid, the reason when it failed.
    note = forms.CharField(label=_("Reference or reason"), max_length=200, required=False)
    signed_by = forms.CharField(label=_("Received by"), max_length=50, required=False)

    def result_row(self, today) -> dict:
        d = self.cleaned_data
        paid = d["result"] == "paid"
        return {
            "line": d["line"],
            "paid": paid,
            "paid_on": (d["paid_on"] or today) if paid else None,
            "reference": d["note"] if paid else "",
            "reason": "" if paid else d["note"],
            "signed_by": d["signed_by"],
        }


class ReturnFileForm(forms.Form):
    file = forms.FileField(
        label=_("The bank's return file"),
        help_text=_(".xlsx, .xls or .csv, with the line number or account, and the result of each payment."),
    )


class ReportForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.all())
    first = MonthField(label=_("From"))
    last = MonthField(label=_("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["first"].initial = dt.date(today.year, 1, 1)
        self.fields["last"].initial = today.replace(day=1)

    def clean(self):
        d = super().clean()
        if d.get("first") and d.get("last") and d["last"] < d["first"]:
            self.add_error("last", _("The end is before the start."))
        return d


class AccountForm(forms.Form):
    bank = forms.CharField(label=_("Bank"), max_length=60)
    account_number = forms.CharField(label=_("Account number"), max_length=40)
    holder = forms.CharField(label=_("Account holder"), max_length=50)
    valid_from = forms.DateField(label=_("In use from"), widget=DateInput(), initial=timezone.localdate)


class HoldForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=HoldReason.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class EndHoldForm(forms.Form):
    ends_on = forms.DateField(label=_("Until"), widget=DateInput(), initial=timezone.localdate)


class StockForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.filter(is_active=True))
    quantity = forms.DecimalField(label=_("Quantity received"), min_value=0, decimal_places=2)
    moved_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name", "unit"]
