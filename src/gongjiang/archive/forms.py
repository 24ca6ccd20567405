from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts import permissions
from gongjiang.accounts.enums import OrganisationKind
from gongjiang.accounts.models import Organisation
from gongjiang.archive.codes import EDUCATIONS, ETHNICITIES, POLITICAL_AFFILIATIONS
from gongjiang.archive.enums import HardshipCategory, HonourKind, Housing, Level, Relation, ReviewOutcome, Sex, Status
from gongjiang.archive.selectors import SORTS, ListFilters
from gongjiang.core.forms import DateInput
from gongjiang.core.masking import mask_id_number, mask_phone

BLANK = [("", "——")]
HONOUR_LEVELS = [c for c in Level.choices if c[0] != Level.NONE]
COMMON_TITLES = [
    "全国劳动模范",
    "全国先进工作者",
    "全国五一劳动奖章",
    "江苏省劳动模范",
    "江苏省先进工作者",
    "江苏省五一劳动奖章",
    "无锡市劳动模范",
    "无锡市先进工作者",
    "梁溪区劳动模范",
    "梁溪区先进工作者",
]


def unions_for(user):
    qs = Organisation.objects.filter(kind=OrganisationKind.GRASSROOTS, is_active=True).order_by("sort_order", "code")
    scope = permissions.union_scope(user)
    return qs if scope is None else qs.filter(pk__in=scope)


class ModelWorkerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        help_text=_("18 characters; the date of birth and sex are checked against it."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + list(Sex.choices), required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITIES, initial="01")
    political_affiliation = forms.ChoiceField(
        label=_("Political affiliation"), choices=BLANK + POLITICAL_AFFILIATIONS, required=False
    )
    education = forms.ChoiceField(label=_("Education"), choices=BLANK + EDUCATIONS, required=False)
    union = forms.ModelChoiceField(label=_("Union"), queryset=Organisation.objects.none())
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    title_or_grade = forms.CharField(label=_("Professional title or skill grade"), max_length=100, required=False)
    front_line = forms.BooleanField(
        label=_("Front line or harsh job"),
        required=False,
        help_text=_("Works at the grass roots, on the front line or in a hard, dirty, tiring or risky job."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.WORKING)
    retired_on = forms.DateField(label=_("Retirement date"), required=False, widget=DateInput())
    died_on = forms.DateField(label=_("Date of death"), required=False, widget=DateInput())
    deeds = forms.CharField(label=_("Deeds"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = [
        (
            _("Identity"),
            ["name", "id_number", "sex", "birth_date", "ethnicity", "political_affiliation", "education"],
        ),
        (
            _("Work"),
            [
                "union",
                "employer",
                "position",
                "title_or_grade",
                "front_line",
                "status",
                "retired_on",
                "died_on",
            ],
        ),
        (_("Contact"), ["phone", "address"]),
        (_("Deeds and remarks"), ["deeds", "remarks"]),
    ]

    def __init__(self, *args, user, worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions_for(user)
        self.editing = worker is not None
        if self.editing:
            # The page never carries the full ID number or phone: they show masked, and a new
            # one is typed into an empty field, which changes the record only when filled (the
            # change is in the log; the full value is seen only through the audited reveal).
            self.fields["id_number"] = forms.CharField(
                label=_("Change the ID number"),
                max_length=30,
                required=False,
                help_text=(
                    _(
                        "Now %(masked)s. Leave empty to keep it; type the full new number to change it: the "
                        "federation then verifies the record again."
                    )
                    if permissions.union_scope(user) is not None
                    else _("Now %(masked)s. Leave empty to keep it; type the full new number to change it.")
                )
                % {"masked": mask_id_number(worker.id_number) or _("none")},
            )
            self.fields["phone"] = forms.CharField(
                label=_("Change the phone"),
                max_length=30,
                required=False,
                help_text=_("Now %(masked)s. Leave empty to keep it; type the new number to change it.")
                % {"masked": mask_phone(worker.phone) or _("none")},
            )

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if self.editing:
            for key in ("id_number", "phone"):
                if not (data.get(key) or "").strip():
                    data.pop(key, None)  # left empty: the record keeps its value
        return data

    @staticmethod
    def initial_from(worker) -> dict:
        return {
            "name": worker.name,
            "sex": worker.sex,
            "birth_date": worker.birth_date,
            "ethnicity": worker.ethnicity,
            "political_affiliation": worker.political_affiliation,
            "education": worker.education,
            "union": worker.union_id,
            "employer": worker.employer.name if worker.employer else "",
            "position": worker.position,
            "title_or_grade": worker.title_or_grade,
            "front_line": worker.front_line,
            "address": worker.address,
            "status": worker.status,
            "retired_on": worker.retired_on,
            "died_on": worker.died_on,
            "deeds": worker.deeds,
            "remarks": worker.remarks,
            "version": worker.version,
        }


class HonourForm(forms.Form):
    title = forms.CharField(
        label=_("Honour title"), max_length=100, widget=forms.TextInput(attrs={"list": "honour-titles"})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=HonourKind.choices, initial=HonourKind.MODEL_WORKER)
    level = forms.TypedChoiceField(label=_("Level"), choices=BLANK + HONOUR_LEVELS, coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    awarding_body = forms.CharField(label=_("Awarding body"), max_length=100, required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    remarks = forms.CharField(label=_("Remarks"), max_length=200, required=False)

    common_titles = COMMON_TITLES


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("Revoked on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class FamilyMemberForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    employment = forms.CharField(label=_("Work or occupation"), max_length=100, required=False)
    health = forms.CharField(label=_("Health"), max_length=100, required=False)
    monthly_income = forms.DecimalField(
        label=_("Monthly income (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    remarks = forms.CharField(label=_("Remarks"), max_length=200, required=False)


class HardshipForm(forms.Form):
    is_active = forms.BooleanField(label=_("In hardship now"), required=False, initial=True)
    category = forms.ChoiceField(
        label=_("Hardship category"), choices=BLANK + list(HardshipCategory.choices), required=False
    )
    established_on = forms.DateField(label=_("File opened on"), widget=DateInput())
    serious_illness = forms.BooleanField(label=_("Serious illness"), required=False)
    health = forms.CharField(label=_("Health and illness"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    monthly_income = forms.DecimalField(
        label=_("Own monthly income (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    family_monthly_income = forms.DecimalField(
        label=_("Household monthly income (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    family_size = forms.IntegerField(label=_("Household size"), required=False, min_value=1, max_value=30)
    housing = forms.ChoiceField(label=_("Housing"), choices=BLANK + list(Housing.choices), required=False)
    housing_area = forms.DecimalField(
        label=_("Living space (m²)"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    housing_note = forms.CharField(label=_("Housing details"), max_length=200, required=False)
    needs_and_wishes = forms.CharField(
        label=_("Needs and wishes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    spell_reason = forms.CharField(
        label=_("Reason for entering or leaving hardship"),
        max_length=200,
        required=False,
        help_text=_("Kept with the spell in hardship when this save opens or ends one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["established_on"].initial = timezone.localdate


class VisitFindingsForm(forms.Form):
    """A visit's findings written into the person's hardship file in one step (care visit page)."""

    is_active = forms.BooleanField(label=_("In hardship now"), required=False, initial=True)
    category = forms.ChoiceField(
        label=_("Hardship category"), choices=BLANK + list(HardshipCategory.choices), required=False
    )
    health = forms.CharField(label=_("Health and illness"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    serious_illness = forms.BooleanField(label=_("Serious illness"), required=False)
    monthly_income = forms.DecimalField(
        label=_("Own monthly income (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    family_monthly_income = forms.DecimalField(
        label=_("Household monthly income (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    family_size = forms.IntegerField(label=_("Household size"), required=False, min_value=1, max_value=30)
    housing = forms.ChoiceField(label=_("Housing"), choices=BLANK + list(Housing.choices), required=False)
    housing_note = forms.CharField(label=_("Housing details"), max_length=200, required=False)
    needs_and_wishes = forms.CharField(
        label=_("Needs and wishes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    spell_reason = forms.CharField(
        label=_("Reason for entering or leaving hardship"),
        max_length=200,
        required=False,
        help_text=_("Kept with the spell in hardship when this save opens or ends one."),
    )


class SpellForm(forms.Form):
    """Correcting a spell in hardship entered wrongly."""

    entered_on = forms.DateField(label=_("Entered hardship on"), widget=DateInput())
    entry_reason = forms.CharField(label=_("Reason for entering"), max_length=200, required=False)
    left_on = forms.DateField(label=_("Left hardship on"), required=False, widget=DateInput())
    exit_reason = forms.CharField(label=_("Reason for leaving"), max_length=200, required=False)
    reason = forms.CharField(label=_("Why it is corrected"), max_length=200)


class ReviewForm(forms.Form):
    """The yearly review (年度复核) of a hardship file."""

    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Review outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed, or why the person leaves hardship (then it is the reason for leaving)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["reviewed_on"].initial = today
        self.fields["outcome"].initial = ReviewOutcome.CONTINUE


class ReviewYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100, required=False)

    def year_value(self) -> int:
        this_year = timezone.localdate().year
        if self.is_valid() and self.cleaned_data["year"]:
            return min(self.cleaned_data["year"], this_year)
        return this_year


class CloseHardshipForm(forms.Form):
    ended_on = forms.DateField(label=_("Closed on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=_("Photo"))


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, pinyin (zs finds 张三), last 4 of ID number, or employer"),
            }
        ),
    )
    employer = forms.CharField(label=_("Employer"), required=False)
    level = forms.ChoiceField(
        label=_("Highest level"),
        required=False,
        choices=[
            ("", _("All")),
            ("municipal_up", _("Municipal and above")),
            *[(str(v), lbl) for v, lbl in Level.choices],
        ],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
    union = forms.ModelChoiceField(
        label=_("Union"), required=False, queryset=Organisation.objects.none(), empty_label=_("All")
    )
    hardship = forms.ChoiceField(
        label=_("Hardship"),
        required=False,
        choices=[("", _("All")), ("yes", _("In hardship")), ("no", _("Not in hardship"))],
    )
    honour_kind = forms.ChoiceField(
        label=_("Honour kind"), required=False, choices=[("", _("All")), *HonourKind.choices]
    )
    honour_year = forms.IntegerField(label=_("Honour year"), required=False, min_value=1949, max_value=2100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match, else level")),
            ("level", _("Level, then name")),
            ("name", _("Name (pinyin)")),
            ("-name", _("Name, descending")),
            ("birth", _("Oldest first")),
            ("-birth", _("Youngest first")),
            ("-updated", _("Recently changed")),
        ],
    )
    archived = forms.BooleanField(label=_("Archived records"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions_for(user)
        if not permissions.has_perm(user, permissions.Perm.ARCHIVE_RECORDS):
            del self.fields["archived"]

    def filters(self) -> ListFilters:
        if not self.is_valid():
            return ListFilters()
        d = self.cleaned_data
        sort = d.get("sort") or ""
        return ListFilters(
            q=d["q"],
            employer=d["employer"],
            level=d["level"],
            status=d["status"],
            union=d["union"].pk if d["union"] else None,
            hardship=d["hardship"],
            honour_kind=d["honour_kind"],
            honour_year=d["honour_year"],
            archived=bool(d.get("archived")),
            sort=sort if sort in SORTS else "",
        )

    def describe(self) -> str:
        """The active filters in words, for the export's audit entry and sheet title."""
        if not self.is_valid():
            return ""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if name == "sort" or value in (None, "", False):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)
            parts.append(f"{field.label}={value}")
        return "；".join(str(p) for p in parts)
