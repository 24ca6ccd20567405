import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.core import idcard


def test_a_known_number_is_decoded():
    info = idcard.parse("11010519491231002X")
    assert info.number == "11010519491231002X"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "F"
    assert info.area_code == "110105"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("3.20102E+17", "scientific"),
        ("3.20102e17", "scientific"),
        ("32010219650301123", "length"),
        ("3201021965030112A4", "characters"),
        ("990102196503011234", "area"),
        ("320102196502301234", "birth_date"),
        ("320102196503011235", "checksum"),
    ],
)
def test_bad_numbers_say_why(raw, code):
    with pytest.raises(idcard.IdNumberError) as e:
        idcard.parse(raw)
    assert e.value.code == code


def test_lowercase_x_full_width_digits_and_spaces_are_normalised():
    assert idcard.parse(" 11010519491231002x ").number == "11010519491231002X"
    assert idcard.parse("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"
    assert idcard.parse("110105 19491231 002X").number == "11010519491231002X"


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.integers(0, 999),
    sex=st.sampled_from(["M", "F"]),
)
def test_every_made_number_parses_back_to_its_birth_date_and_sex(birth, seq, sex):
    number = idcard.make("320213", birth, seq, sex)
    info = idcard.parse(number)
    assert (info.birth_date, info.sex, len(number)) == (birth, sex, 18)


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    seq=st.integers(0, 999),
    position=st.integers(0, 16),
    delta=st.integers(1, 9),
)
def test_any_single_mistyped_digit_is_caught(birth, seq, position, delta):
    number = idcard.make("320213", birth, seq, "M")
    digit = (int(number[position]) + delta) % 10
    broken = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(idcard.IdNumberError):
        idcard.parse(broken)
