"""Logins are a mainland mobile number or an e-mail address; passwords have a floor."""
import re
import unicodedata

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only: "１３８" or "13８" are not canonical
PASSWORD_MIN = 8
PASSWORD_MAX = 128


def normalize_login(raw: str) -> str | None:
    """The canonical form of a login, or None if it is neither a mobile number nor an e-mail.

    Full-width characters become ASCII; phone numbers lose spaces, hyphens and a +86/0086
    prefix; e-mail addresses are lower-cased.
    Full e-mail validation is the form's job (email-validator); this only decides the kind.
    """
    # NFKC turns full-width digits and letters from a Chinese input method into ASCII.
    value = unicodedata.normalize("NFKC", raw or "").strip()
    digits = re.sub(r"[\s-]", "", value)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if PHONE_RE.match(digits):
        return digits
    if "@" in value and " " not in value and len(value) <= 254:
        local, _, domain = value.rpartition("@")
        if local and "." in domain:
            return value.lower()
    return None


def is_phone(login: str) -> bool:
    """Whether a normalised login is a phone number (rather than an e-mail)."""
    return bool(PHONE_RE.match(login))


def mask_login(login: str) -> str:
    """Show a login without exposing it whole: 138****5678, w***@example.com."""
    if is_phone(login):
        return f"{login[:3]}****{login[-4:]}"
    local, _, domain = login.partition("@")
    return f"{local[:1]}***@{domain}"


def password_problem(password: str) -> str | None:
    """A reason the password is too weak, or None. Length is what matters most."""
    if len(password) < PASSWORD_MIN:
        return "too_short"
    if len(password) > PASSWORD_MAX:
        return "too_long"
    if len(set(password)) < 4:
        return "too_simple"
    return None
