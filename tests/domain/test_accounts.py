"""Logins (mobile number or e-mail), their masked display, and the password floor."""
import pytest

from portal.domain.accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    is_phone,
    mask_login,
    normalize_login,
    password_problem,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("13800138000", "13800138000", id="plain-phone"),
        pytest.param("  13800138000  ", "13800138000", id="surrounding-spaces"),
        pytest.param("138 0013 8000", "13800138000", id="spaces"),
        pytest.param("138-0013-8000", "13800138000", id="hyphens"),
        pytest.param("138\u30000013\u30008000", "13800138000", id="ideographic-spaces"),
        pytest.param("+8613800138000", "13800138000", id="plus86"),
        pytest.param("+86 138 0013 8000", "13800138000", id="plus86-spaces"),
        pytest.param("+86-138-0013-8000", "13800138000", id="plus86-hyphens"),
        pytest.param("008613800138000", "13800138000", id="0086"),
        pytest.param("0086 138-0013-8000", "13800138000", id="0086-mixed"),
        pytest.param("19912345678", "19912345678", id="prefix-19"),
        pytest.param("13000000000", "13000000000", id="prefix-13"),
        pytest.param("1380013800", None, id="10-digits"),
        pytest.param("138001380001", None, id="12-digits"),
        pytest.param("+86138001380", None, id="plus86-10-digits"),
        pytest.param("12800138000", None, id="starts-12"),
        pytest.param("11800138000", None, id="starts-11"),
        pytest.param("10800138000", None, id="starts-10"),
        pytest.param("23800138000", None, id="starts-2"),
        pytest.param("8613800138000", None, id="86-without-plus"),
        pytest.param("138.0013.8000", None, id="dots"),
        pytest.param("Wang.Li@Example.COM", "wang.li@example.com", id="email-lower-cased"),
        pytest.param("  li@example.cn ", "li@example.cn", id="email-stripped"),
        pytest.param("13800138000@qq.com", "13800138000@qq.com", id="email-with-phone-local"),
        pytest.param("hello", None, id="junk-word"),
        pytest.param("li@localhost", None, id="email-domain-without-dot"),
        pytest.param("@example.com", None, id="email-without-local"),
        pytest.param("li wang@example.com", None, id="email-with-space"),
        pytest.param("a" * 250 + "@x.cn", None, id="email-too-long"),
        pytest.param("!!!", None, id="punctuation"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
        pytest.param(None, None, id="none"),
    ],
)
def test_normalize_login(raw, expected):
    assert normalize_login(raw) == expected


def test_normalize_login_phone_is_ascii_digits_only():
    """The canonical phone must be ASCII: full-width digits are either folded or refused."""
    assert normalize_login("13８00138000") in (None, "13800138000")


@pytest.mark.parametrize(
    ("login", "phone"),
    [
        pytest.param("13800138000", True, id="phone"),
        pytest.param("li@example.cn", False, id="email"),
    ],
)
def test_is_phone(login, phone):
    assert is_phone(login) is phone


@pytest.mark.parametrize(
    ("login", "masked"),
    [
        pytest.param("13800138000", "138****8000", id="phone"),
        pytest.param("wang.li@example.com", "w***@example.com", id="email"),
        pytest.param("a@x.cn", "a***@x.cn", id="one-letter-local"),
    ],
)
def test_mask_login(login, masked):
    assert mask_login(login) == masked


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        pytest.param("", "too_short", id="empty"),
        pytest.param("abcdefg", "too_short", id="7-chars"),
        pytest.param("abcdefgh", None, id="8-chars"),
        pytest.param("abcd" * 32, None, id="128-chars"),
        pytest.param("abcd" * 32 + "a", "too_long", id="129-chars"),
        pytest.param("a" * 129, "too_long", id="129-same-char-length-first"),
        pytest.param("aaaaaaaa", "too_simple", id="one-distinct"),
        pytest.param("abcabcab", "too_simple", id="three-distinct"),
        pytest.param("abcdabcd", None, id="four-distinct"),
        pytest.param("议事厅议事厅很好", None, id="chinese-8-chars"),
        pytest.param("议事厅议事厅好", "too_short", id="chinese-7-chars"),
    ],
)
def test_password_problem(password, problem):
    assert password_problem(password) == problem


def test_password_bounds_are_as_documented():
    assert (PASSWORD_MIN, PASSWORD_MAX) == (8, 128)


@pytest.mark.parametrize("raw,expected", [
    pytest.param("１３８００１３８０００", "13800138000", id="all-full-width"),
    pytest.param("13８00138000", "13800138000", id="one-full-width"),
    pytest.param("＋８６ 138-0013-8000", "13800138000", id="full-width-plus86"),
    pytest.param("Wang＠Example．com", "wang@example.com", id="full-width-email"),
    pytest.param("١٣٨٠٠١٣٨٠٠٠", None, id="arabic-indic-digits-refused"),
])
def test_normalize_login_folds_input_method_full_width(raw, expected):
    """Chinese input methods type full-width characters; they fold to one ASCII login."""
    assert normalize_login(raw) == expected
