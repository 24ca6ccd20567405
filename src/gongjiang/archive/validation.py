"""The rules a model-worker record must satisfy, shared by the forms, the import and the API.

Each function takes plain values and raises ``ValidationError`` with a Chinese message (via
gettext) naming the field, so every channel tells the user the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.archive.enums import Sex, Status
from gongjiang.core import idcard

ID_MESSAGES = {
    "empty": gettext_noop("The ID number is empty."),
    "scientific": gettext_noop(
        "The ID number was stored by Excel as a number and rounded (like 3.20102E+17); the original "
        "digits are lost. Check the person's ID card and type the number again."
    ),
    "length": gettext_noop("An ID number has 18 characters."),
    "characters": gettext_noop("An ID number has 17 digits followed by a digit or X."),
    "area": gettext_noop("The first two digits of the ID number are not a province code."),
    "birth_date": gettext_noop("The birth date in the ID number (characters 7 to 14) is not a valid date."),
    "checksum": gettext_noop(
        "The check character (the last one) of the ID number is wrong: a digit was probably mistyped."
    ),
}

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")


def id_message(code: str) -> str:
    return _(ID_MESSAGES[code])


def clean_id_number(raw: str | None) -> idcard.IdNumberInfo | None:
    if raw is None or not str(raw).strip():
        return None
    try:
        return idcard.parse(str(raw))
    except idcard.IdNumberError as e:
        raise ValidationError(id_message(e.code), code=f"id_{e.code}") from None


def clean_name(raw: str) -> str:
    name = unicodedata.normalize("NFKC", raw or "").strip()
    name = re.sub(r"\s+", "", name)
    if not name:
        raise ValidationError(_("Enter the name."), code="required")
    if len(name) < 2 or any(ch.isdigit() for ch in name):
        raise ValidationError(_("“%(name)s” does not look like a person's name.") % {"name": name}, code="name")
    return name


def clean_phone(raw: str | None) -> str:
    phone = unicodedata.normalize("NFKC", raw or "")
    phone = re.sub(r"[\s()（）]", "", phone).replace("—", "-")
    if not phone:
        return ""
    if phone.startswith("+86"):
        phone = phone[3:]
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return phone
    raise ValidationError(
        _(
            "“%(phone)s” is not a phone number: a mobile has 11 digits starting with 1, "
            "a landline may start with its area code, such as 0510-82701234."
        )
        % {"phone": raw},
        code="phone",
    )


def check_identity(*, id_info: idcard.IdNumberInfo | None, birth_date: dt.date | None, sex: str | None) -> None:
    """The birth date and sex encoded in the ID number must agree with the record."""
    errors: dict[str, list[str]] = {}
    if id_info is None:
        return
    if birth_date and birth_date != id_info.birth_date:
        errors["birth_date"] = [
            _("The date of birth does not match the ID number, which says %(date)s.")
            % {"date": id_info.birth_date.isoformat()}
        ]
    if sex and sex != id_info.sex:
        errors["sex"] = [
            _("The sex does not match the ID number, whose 17th digit says %(sex)s.") % {"sex": Sex(id_info.sex).label}
        ]
    if errors:
        raise ValidationError(errors)


def check_dates(
    *, birth_date: dt.date | None, status: str, retired_on: dt.date | None, died_on: dt.date | None
) -> None:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if birth_date:
        if birth_date > today:
            add("birth_date", _("The date of birth is in the future."))
        elif birth_date.year < 1900:
            add("birth_date", _("The date of birth is before 1900."))
    for field, value in (("retired_on", retired_on), ("died_on", died_on)):
        if value and value > today:
            add(field, _("This date is in the future."))
        if value and birth_date and value <= birth_date:
            add(field, _("This date is before the date of birth."))
    if status == Status.RETIRED and not retired_on:
        add("retired_on", _("A retired person needs a retirement date."))
    if status == Status.DECEASED and not died_on:
        add("died_on", _("A deceased person needs a date of death."))
    if status != Status.DECEASED and died_on:
        add("status", _("A date of death is filled in, so the status should be “deceased”."))
    if status == Status.WORKING and retired_on:
        add("status", _("A retirement date is filled in, so the status should be “retired”."))
    if retired_on and died_on and died_on < retired_on:
        add("died_on", _("The date of death is before the retirement date."))
    if errors:
        raise ValidationError(errors)


def check_person(
    *,
    id_info: idcard.IdNumberInfo | None,
    birth_date: dt.date | None,
    sex: str | None,
    status: str | None,
    retired_on: dt.date | None,
    died_on: dt.date | None,
) -> None:
    """The rules across a person's values — identity against the ID number, then the dates
    against the status — with every error collected by field (no database lookups)."""
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: check_identity(id_info=id_info, birth_date=birth_date, sex=sex),
        lambda: check_dates(
            birth_date=birth_date, status=status or Status.WORKING, retired_on=retired_on, died_on=died_on
        ),
    ):
        try:
            check()
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def check_honour_year(year: int | None, birth_date: dt.date | None) -> None:
    this_year = timezone.localdate().year
    if year is None:
        raise ValidationError({"year": [_("Enter the year.")]})
    if year < 1949 or year > this_year:
        raise ValidationError({"year": [_("The year must be between 1949 and %(year)s.") % {"year": this_year}]})
    if birth_date and year < birth_date.year + 14:
        raise ValidationError({"year": [_("The honour year is before the person was 14 years old.")]})
