from django import forms
from django.utils.translation import gettext_lazy as _

from gongjiang.care.models import Event
from gongjiang.core.forms import DateInput


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "starts_on", "ends_on", "place", "capacity", "topic", "note"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False
        self.fields["ends_on"].help_text = _("Left empty: one day.")
        self.fields["topic"].help_text = _("For a symposium (座谈会).")

    def _post_clean(self):  # the service validates; the form only parses
        pass


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG; up to 20 MB."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
