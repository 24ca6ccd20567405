from django import forms
from django.utils.translation import gettext_lazy as _

from gongjiang.archive.forms import unions_for
from gongjiang.rosters.columns import field_choices


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"), help_text=_(".xlsx, .xls (WPS or old Excel), .ods or .csv; up to 50 MB.")
    )
    default_union = forms.ModelChoiceField(
        label=_("Union for rows without one"),
        required=False,
        queryset=None,
        help_text=_("Used when the file has no 所属工会 column, or a row leaves it blank."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_union"].queryset = unions_for(user)


class MappingForm(forms.Form):
    """One select per column of the file; built from the import's headers."""

    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=30, required=False)
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_("Files with the same headers will be read this way next time."),
    )

    def __init__(self, *args, headers: list[str], mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for i, header in enumerate(headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header or _("(column %(n)d)") % {"n": i + 1},
                choices=field_choices(),
                required=False,
                initial=mapping[i] if i < len(mapping) else "",
            )

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}") or "" for i in range(len(self.headers))]
