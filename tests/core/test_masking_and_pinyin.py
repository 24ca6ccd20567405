import pytest

from gongjiang.core.masking import mask_account, mask_id_number, mask_phone
from gongjiang.core.pinyin import name_keys


def test_id_numbers_keep_the_area_and_the_last_four():
    assert mask_id_number("320102196503011234") == "320102********1234"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""


def test_phones_keep_the_first_three_and_the_last_four():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0510-82701234") == "0510*****1234"
    assert mask_phone("") == ""


def test_accounts_keep_the_last_four():
    assert mask_account("6222021234567890123") == "***************0123"


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张三", ("zhangsan", "zs")),
        ("曾国强", ("zengguoqiang", "zgq")),
        ("单田芳", ("shantianfang", "stf")),
        ("欧阳修", ("ouyangxiu", "oyx")),
        ("吕布", ("lvbu", "lb")),
        ("李Ａ", ("lia", "la")),
    ],
)
def test_pinyin_keys_read_surnames_as_surnames(name, keys):
    assert name_keys(name) == keys
