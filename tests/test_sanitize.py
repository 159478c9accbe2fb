"""The one HTML sanitiser: nothing user-written executes, and plain rich text survives."""
import html
import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from portal.sanitize import ALLOWED_TAGS, sanitize_html

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
FORBIDDEN_TAG_OPENINGS = ("<script", "<iframe", "<object", "<embed", "<form", "<base", "<meta",
                          "<style", "<svg", "<math", "<img", "<link", "<!--")
# Browsers ignore ASCII whitespace and control characters inside a URL scheme ("java\tscript:").
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


class _Markup(HTMLParser):
    """Collects the tags, attributes, comments and declarations of sanitiser output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.other.append(f"processing instruction {data!r}")


def parse(output: str) -> _Markup:
    parser = _Markup()
    parser.feed(output)
    parser.close()
    return parser


def anchors(output: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for tag, attrs in parse(output).tags if tag == "a"]


def assert_inert(output: str) -> None:
    """Nothing in ``output`` can run.

    Checked on the parsed markup, not on the raw string: text is escaped and inert, and a
    stripped <style> or <script> leaves its body behind as visible text (e.g.
    "url(javascript:alert(1))"), while an attribute value such as title='x" onmouseover="y'
    is one quoted value, not an event handler.
    """
    lowered = output.lower()
    for opening in FORBIDDEN_TAG_OPENINGS:
        assert opening not in lowered, f"{opening!r} in {output!r}"
    markup = parse(output)
    assert markup.other == []
    for tag, attrs in markup.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event attribute {name!r} in {output!r}"
            assert not name.startswith(("hx-", "data-hx-")), f"htmx attribute {name!r} in {output!r}"
            assert name not in {"style", "src", "srcdoc", "action", "formaction", "xlink:href"}, \
                f"attribute {name!r} in {output!r}"
            squeezed = _URL_JUNK.sub("", html.unescape(value or "")).lower()
            assert "javascript:" not in squeezed, f"javascript: in {name}={value!r}"
            assert "vbscript:" not in squeezed, f"vbscript: in {name}={value!r}"
            if name == "href":
                scheme, colon, _ = squeezed.partition(":")
                assert not colon or "/" in scheme or scheme in SAFE_SCHEMES, \
                    f"href scheme {scheme!r} in {output!r}"


XSS_VECTORS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT>alert(1)</SCRIPT>", id="script-upper"),
    pytest.param('<ScRiPt src="https://evil.example/x.js"></ScRiPt>', id="script-mixed-case-src"),
    pytest.param("<script >alert(1)</script >", id="script-spaces"),
    pytest.param('<script/xss src="https://evil.example/x.js"></script>', id="script-slash-attr"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-split"),
    pytest.param("<<script>alert(1);//<</script>", id="script-double-angle"),
    pytest.param("<script>alert(1)", id="script-unclosed"),
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="script-entity-encoded"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param('<IMG SRC="x" ONERROR="alert(1)">', id="img-onerror-upper"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink-href"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param('<p onclick="alert(1)">hi</p>', id="allowed-tag-onclick"),
    pytest.param("<p/onmouseover=alert(1)>hi</p>", id="slash-separated-event"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="href-javascript"),
    pytest.param('<a href="JaVaScRiPt:alert(1)">x</a>', id="href-javascript-mixed-case"),
    pytest.param('<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
                 id="href-javascript-decimal-entities"),
    pytest.param('<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', id="href-javascript-hex-entities"),
    pytest.param('<a href="java\tscript:alert(1)">x</a>', id="href-javascript-tab"),
    pytest.param('<a href="java&#x09;script:alert(1)">x</a>', id="href-javascript-tab-entity"),
    pytest.param('<a href="jav&#x0A;ascript:alert(1)">x</a>', id="href-javascript-newline-entity"),
    pytest.param('<a href=" &#14; javascript:alert(1)">x</a>', id="href-javascript-leading-junk"),
    pytest.param('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', id="href-data"),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', id="href-vbscript"),
    pytest.param("javascript://example.com/%0Aalert(1)", id="bare-javascript-url-linkified"),
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', id="embed"),
    pytest.param('<form action="javascript:alert(1)"><button>go</button></form>', id="form"),
    pytest.param('<button formaction="javascript:alert(1)">go</button>', id="formaction"),
    pytest.param("<style>body{background:url(javascript:alert(1))}</style>", id="style-block"),
    pytest.param('<p style="width:expression(alert(1))">x</p>', id="style-expression"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-url-javascript"),
    pytest.param('<a href="https://ok.example" hx-get="/admin/delete" hx-trigger="load">x</a>', id="hx-get"),
    pytest.param('<p hx-post="/grants" hx-swap="outerHTML">x</p>', id="hx-post"),
    pytest.param('<p hx-on:click="alert(1)">x</p>', id="hx-on-colon"),
    pytest.param('<p hx-on="click: alert(1)">x</p>', id="hx-on"),
    pytest.param("<p hx-vals='js:{a: alert(1)}'>x</p>", id="hx-vals-js"),
    pytest.param('<p data-hx-get="/admin">x</p>', id="data-hx-get"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<base href="https://evil.example/">', id="base-href"),
    pytest.param('<link rel="stylesheet" href="https://evil.example/x.css">', id="link-stylesheet"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
                 "</table></mtext></math>", id="math-mglyph-style-mxss"),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="math-href"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-title-mxss"),
    pytest.param("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
    pytest.param('<!--<img src="--><img src=x onerror=alert(1)//">', id="comment-breakout"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata"),
    pytest.param('<a href="https://ok.example" title=""onmouseover=alert(1) x="">x</a>', id="quote-break-empty-title"),
    pytest.param('<a href="https://ok.example/"onmouseover="alert(1)">x</a>', id="quote-break-no-space"),
    pytest.param("<a title='x\" onmouseover=\"alert(1)' href=\"https://ok.example\">x</a>",
                 id="quote-break-inside-single-quotes"),
    pytest.param("<textarea><script>alert(1)</script></textarea>", id="textarea-rcdata"),
    pytest.param("<xmp><script>alert(1)</script></xmp>", id="xmp"),
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_is_neutralised(vector):
    out = sanitize_html(vector)
    assert isinstance(out, Markup)
    assert_inert(str(out))


def test_there_are_enough_vectors():
    assert len(XSS_VECTORS) >= 25


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param('<p onclick="x">t</p>', id="event"),
        pytest.param('<p hx-get="/x">t</p>', id="htmx"),
        pytest.param('<p style="color:red">t</p>', id="style"),
        pytest.param('<a href="javascript:alert(1)">t</a>', id="javascript"),
        pytest.param('<a href="java&#9;script:alert(1)">t</a>', id="javascript-tab-entity"),
        pytest.param('<a href="data:text/html,x">t</a>', id="data"),
        pytest.param("<iframe></iframe>", id="iframe"),
        pytest.param("<!-- x -->", id="comment"),
    ],
)
def test_assert_inert_catches_what_it_should(bad):
    """The checker itself must fail on raw vectors, or the vector tests prove nothing."""
    with pytest.raises(AssertionError):
        assert_inert(bad)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<p>你好，<strong>邻居</strong>与<em>朋友</em></p>", id="p-strong-em"),
        pytest.param("<ul><li>一</li><li>二</li></ul>", id="ul-li"),
        pytest.param("<ol><li>一</li></ol>", id="ol-li"),
        pytest.param("<blockquote>居民公约第三条</blockquote>", id="blockquote"),
        pytest.param("<h3>标题</h3><p>a<br>b</p>", id="h3-br"),
        pytest.param("<pre><code>print(1)</code></pre>", id="pre-code"),
        pytest.param('<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>', id="table-colspan"),
        pytest.param("<p>a &amp; b &lt; c</p>", id="escaped-text"),
    ],
)
def test_allowed_markup_survives(text):
    assert str(sanitize_html(text)) == text


def test_https_link_survives_with_rel():
    out = str(sanitize_html('<p><a href="https://www.gov.cn/zhengce/" title="政策">政策</a></p>'))
    assert out == ('<p><a href="https://www.gov.cn/zhengce/" title="政策" '
                   'rel="nofollow noopener">政策</a></p>')


@pytest.mark.parametrize(
    ("text", "href"),
    [
        pytest.param('<a href="https://example.com/a">x</a>', "https://example.com/a", id="existing-https"),
        pytest.param('<a href="http://example.com/">x</a>', "http://example.com/", id="existing-http"),
        pytest.param('<a href="https://example.com" rel="opener">x</a>', "https://example.com", id="rel-opener-replaced"),
        pytest.param('<a href="https://example.com" rel="nofollow">x</a>', "https://example.com", id="rel-partial-replaced"),
        pytest.param('<a href="https://example.com" target="_blank">x</a>', "https://example.com", id="target-blank"),
        pytest.param("见 https://example.com/notice?id=3 。", "https://example.com/notice?id=3", id="bare-https"),
        pytest.param("www.example.com", "http://www.example.com", id="bare-www"),
        pytest.param("<p>see example.cn today</p>", "http://example.cn", id="bare-domain-in-p"),
        pytest.param('<a href="mailto:juweihui@example.cn">写信</a>', "mailto:juweihui@example.cn", id="mailto"),
        pytest.param('<a href="tel:+8613800138000">电话</a>', "tel:+8613800138000", id="tel"),
    ],
)
def test_every_link_gets_rel_nofollow_noopener(text, href):
    links = anchors(str(sanitize_html(text)))
    assert links == [{"href": href, "rel": "nofollow noopener"}]


def test_target_blank_is_removed():
    out = str(sanitize_html('<a href="https://example.com" target="_blank">x</a>'))
    assert "target" not in out
    assert out == '<a href="https://example.com" rel="nofollow noopener">x</a>'


def test_several_links_all_get_rel():
    text = ('<p><a href="https://a.example">a</a> https://b.example.cn '
            '<a href="mailto:c@c.example" target="_blank">c</a></p>')
    links = anchors(str(sanitize_html(text)))
    assert [link["href"] for link in links] == ["https://a.example", "https://b.example.cn", "mailto:c@c.example"]
    assert all(link["rel"] == "nofollow noopener" and "target" not in link for link in links)


def test_link_without_safe_href_keeps_text_only():
    out = str(sanitize_html('<a href="javascript:alert(1)">点我</a>'))
    assert anchors(out) == [{"rel": "nofollow noopener"}]
    assert "点我" in out


def test_urls_in_code_keep_their_text_and_get_safe_links():
    """Links in <code> are allowed (skipping code made bleach escape its text twice), but they
    carry the same rel and the visible text is unchanged."""
    assert str(sanitize_html("<code>https://example.com</code>")) == (
        '<code><a href="https://example.com" rel="nofollow noopener">https://example.com</a></code>')


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<code>a &lt; b</code>", id="code-lt"),
        pytest.param("<pre>if (a &lt; b &amp;&amp; c) {}</pre>", id="pre-lt-amp"),
    ],
)
def test_entities_in_code_are_escaped_once(text):
    assert str(sanitize_html(text)) == text


def test_url_between_chinese_characters_is_linkified_exactly():
    """Chinese text does not put spaces around URLs."""
    out = str(sanitize_html("详见https://www.gov.cn/a。谢谢"))
    assert anchors(out) == [{"href": "https://www.gov.cn/a", "rel": "nofollow noopener"}]


def test_linkified_urls_use_only_allowed_protocols():
    """Bare URLs become links only for the schemes the allow-list permits."""
    for text in ("data://example.com/x", "ftp://example.com/x", "ssh://example.com"):
        for link in anchors(str(sanitize_html(text))):
            assert link["href"].partition(":")[0] in SAFE_SCHEMES, (text, link)


@pytest.mark.parametrize("empty", [None, ""], ids=["none", "empty-string"])
def test_empty_input_gives_empty_markup(empty):
    out = sanitize_html(empty)
    assert isinstance(out, Markup)
    assert out == Markup("")


def test_result_is_markup_and_not_escaped_again():
    """Templates must not double-escape clean output."""
    out = sanitize_html("<p>a &amp; b</p>")
    assert isinstance(out, Markup)
    assert Markup("<div>{}</div>").format(out) == "<div><p>a &amp; b</p></div>"
    assert str(Markup.escape(out)) == "<p>a &amp; b</p>"
