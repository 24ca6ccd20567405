from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts.enums import AuditAction, OrganisationKind, Role
from gongjiang.accounts.models import Organisation, SecurityPolicy, User
from gongjiang.accounts.services import ORG_FIELDS, POLICY_FIELDS


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The user name or the password is wrong. After %(limit)s wrong tries the account "
            "is locked for %(minutes)s minutes."
        ),
        "inactive": _("This account has been deactivated. Ask the federation's administrator."),
    }

    def get_invalid_login_error(self):

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


def _model_worker_model():
    """The archive's record model, by the user's relation to it (accounts imports no archive)."""
    return User._meta.get_field("model_worker").related_model


class WorkerRefField(forms.CharField):
    """A model-worker record given by its record number or its ID number."""

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().upper()
        if not value:
            return None
        cond = Q(id_number=value)
        if value.isdigit() and len(value) < 12:
            cond |= Q(pk=int(value))
        worker = _model_worker_model().objects.filter(cond).first()
        if worker is None:
            raise forms.ValidationError(_("No record has this record number or ID number."))
        return worker

    def prepare_value(self, value):
        if isinstance(value, _model_worker_model()):
            return str(value.pk)
        if isinstance(value, int):
            return str(value)
        return value


class UserForm(forms.ModelForm):
    model_worker = WorkerRefField(
        label=_("Own model-worker record"),
        required=False,
        help_text=_("Record number or ID number. Needed for model workers and studio leaders."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "organisation", "model_worker", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["username"].disabled = True
            if self.instance.model_worker_id:
                self.initial["model_worker"] = str(self.instance.model_worker_id)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORG_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.filter(is_active=True)
        if not self.instance.pk:
            self.initial.setdefault("kind", OrganisationKind.GRASSROOTS)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = POLICY_FIELDS


class AuditFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("User name"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All")), *list(AuditAction.choices)])
    object_type = forms.ChoiceField(label=_("Object"), required=False, choices=[])
    q = forms.CharField(label=_("Object contains"), required=False)
    ip = forms.GenericIPAddressField(label=_("Address"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All")), *object_types()]


def object_types() -> list[tuple[str, str]]:
    """Every kind of object an entry can be about: the models of the project's apps (the
    dashboard's counters are derived data that nobody changes), by their names."""
    kinds = [
        (m._meta.label_lower, str(m._meta.verbose_name))
        for m in apps.get_models()
        if m.__module__.startswith("gongjiang.") and m._meta.app_label != "reports"
    ]
    return sorted(kinds, key=lambda k: (k[0].split(".")[0], k[1]))


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or user name"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *list(Role.choices)])
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Organisation.objects.all())
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )
