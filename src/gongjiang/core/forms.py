from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def report_problem(request, error) -> None:
    """A refused action's reasons as one message on the next page (ValidationError or DomainError)."""

    text = " ".join(getattr(error, "messages", None) or [str(getattr(error, "message", error))])
    # A refusal of who the user is (not of what they entered) is tagged: a page should not
    # have offered the action (the crawl test looks for it).
    messages.error(request, text, extra_tags="forbidden" if getattr(error, "code", "") == "forbidden" else "")
