"""The one HTML sanitiser. Every piece of user-written rich text passes through here, with one
allow-list; nothing else in the portal renders user HTML."""
import re

import bleach
from bleach.linkifier import TLDS, Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "code", "pre",
    "ul", "ol", "li", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
    strip_comments=True,
)


def _rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener"
    attrs.pop((None, "target"), None)
    return attrs


# Bare URLs become links only for http(s), and a URL ends where Chinese text or full-width
# punctuation begins ("详见https://www.gov.cn/a。谢谢"): bleach's default pattern treats CJK as
# word characters and would swallow them. ASCII mode makes CJK a word boundary.
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
URL_RE = re.compile(
    r"""\(*
    \b(?<![@.])(?:https?:/{{0,3}})?
    ([\w-]+\.)+(?:{tlds})(?::[0-9]+)?(?!\.\w)\b
    (?:[/?][^\s{{}}|\\^`<>"{cjk}]*)?
    """.format(tlds="|".join(sorted(TLDS, key=len, reverse=True)), cjk=_CJK),
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)

# No skip_tags: bleach re-escapes the text of skipped tags (an entity in <code> would show twice
# escaped); a link inside <pre> is harmless.
_linker = Linker(callbacks=[_rel], url_re=URL_RE, parse_email=False)


def sanitize_html(text: str | None) -> Markup:
    """Clean user HTML to the allow-list; every link gets rel="nofollow noopener"."""
    if not text:
        return Markup("")
    return Markup(_linker.linkify(_cleaner.clean(text)))


_text_only = bleach.Cleaner(tags=frozenset(), attributes={}, strip=True, strip_comments=True)


def is_blank(html: str | None) -> bool:
    """Whether rich text has no visible text: ``<p><br></p>`` (an empty editor) or only spaces,
    including full-width and non-breaking ones."""
    if not html:
        return True
    text = _text_only.clean(html).replace("&nbsp;", " ")
    return not text.strip()
