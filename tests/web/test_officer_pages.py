"""The officers' pages /i and /a/<round> and what serves them (DESIGN.md sections 3, 5, 6).

No session and no cookie, ever; strict headers; static shells that hold no code and are the same
for everyone; no inline script, no third-party origin; the language from ``?lang=`` or
``Accept-Language``; static text compressed (and JavaScript comments stripped) for the budget.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.compression import strip_js_comments
from survey.models import Round
from survey.security import CONTENT_SECURITY_POLICY
from tests.rounds_support import OfficerClient, codes_of

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "survey" / "static"
NODE = shutil.which("node")
OFFICER_JS = sorted((STATIC / "js" / "officer").glob("*.js"))
ALL_JS = sorted((STATIC / "js").rglob("*.js"))


class PageParts(HTMLParser):
    """Scripts, links, inline styles and form fields of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.urls: list[str] = []
        self.inputs: list[dict[str, str | None]] = []
        self.styled: list[str] = []
        self.data: dict[str, str] = {}
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.styled.append(tag)
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script = True
        for name in ("src", "href", "action"):
            if attributes.get(name):
                self.urls.append(str(attributes[name]))
        if tag in ("input", "textarea", "select"):
            self.inputs.append(attributes)
        if str(attributes.get("id") or "").startswith("o-text"):  # o-text, o-text-<part>
            self.data |= {k: v or "" for k, v in attributes.items() if k.startswith("data-")}

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def parts_of(html: str) -> PageParts:
    parser = PageParts()
    parser.feed(html)
    return parser


def officer_urls(round_: Round) -> list[str]:
    return ["/i", f"/a/{round_.public_id}"]


# ---------------------------------------------------------------------------------------
# Headers, cookies, session


def test_pages_send_strict_headers_and_no_cookie(client: FlaskClient, open_round: Round) -> None:
    for url in [*officer_urls(open_round), "/a/nosuchround"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/html"
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        # Flask adds "Vary: Cookie" whenever a view or template touches the session.
        assert "Cookie" not in response.headers.get("Vary", ""), url


def test_a_staff_session_is_neither_read_nor_renewed(
    as_secretary: FlaskClient, open_round: Round
) -> None:
    """Even with a staff cookie in the browser, officer pages and the API leave it alone."""
    urls = [*officer_urls(open_round), f"/api/v1/rounds/{open_round.public_id}/keys"]
    for url in [*urls, "/i/nothing", "/a/UPPER", "/api/v1/nothing"]:
        response = as_secretary.get(url)
        assert response.status_code == (200 if url in urls else 404), url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
    assert as_secretary.get("/").status_code == 200  # the staff session itself still works


def test_the_protocol_never_sets_a_cookie(
    client: FlaskClient, session: Session, open_round: Round
) -> None:
    officer = OfficerClient(client, open_round.public_id)
    keys = officer.fetch_keys()
    token, signature = officer.obtain_token(codes_of(open_round)[0])
    body = officer.answer_body(token, signature, officer.sealed({keys["sections"][0]["id"]: "好"}))
    responses = [
        client.get(f"/api/v1/rounds/{open_round.public_id}/keys"),
        officer.post("answers", body),
        officer.post("answers", body),
        officer.post("tokens", {"invitation": "nope", "blinded_msg": "AA"}),
        client.get("/api/v1/rounds/nosuchround/keys"),
    ]
    assert [r.status_code for r in responses] == [200, 201, 201, 400, 404]
    for response in responses:
        assert "Set-Cookie" not in response.headers
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Content-Encoding" not in response.headers


def test_bad_round_ids_are_404_without_cookie(client: FlaskClient) -> None:
    for url in ("/a/UPPER", "/a/with-dash", "/a/" + "x" * 33):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Set-Cookie" not in response.headers


# ---------------------------------------------------------------------------------------
# What the pages hold


def test_pages_are_static_shells_without_codes(client: FlaskClient, open_round: Round) -> None:
    """The same bytes for every officer; no invitation code, no round data in the page."""
    invite = client.get("/i").get_data(as_text=True)
    assert client.get("/i").get_data(as_text=True) == invite
    answer = client.get(f"/a/{open_round.public_id}").get_data(as_text=True)
    assert client.get("/a/othersomeround").get_data(as_text=True) == answer
    for html in (invite, answer):
        for code in codes_of(open_round):
            assert code not in html
        assert open_round.public_id not in html
        assert open_round.title not in html
        assert str(open_round.fingerprint) not in html


def test_no_inline_script_or_style_and_same_origin_only(
    client: FlaskClient, open_round: Round
) -> None:
    for url in officer_urls(open_round):
        page = parts_of(client.get(url).get_data(as_text=True))
        assert page.script_text == [], f"{url}: inline script"
        assert page.styled == [], f"{url}: inline style attribute"
        assert page.scripts and all(
            s.get("type") == "module" and s.get("src") for s in page.scripts
        )
        for link in page.urls:
            assert link.startswith(("/", "#", "data:")) and not link.startswith("//"), link
        # The code form has no named fields: submitted without the script, it sends nothing.
        assert all("name" not in field for field in page.inputs), url


def test_every_referenced_module_is_served_as_javascript(
    client: FlaskClient, open_round: Round
) -> None:
    for url in officer_urls(open_round):
        page = parts_of(client.get(url).get_data(as_text=True))
        for link in page.urls:
            if link.endswith(".js"):
                with client.get(link) as response:
                    assert response.status_code == 200, link
                    assert response.mimetype == "text/javascript", link


def test_module_imports_resolve_and_stay_on_our_origin() -> None:
    """Every import in the officer modules names an existing file by a relative path."""
    pattern = re.compile(r"""(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]""")
    for path in OFFICER_JS:
        for target in pattern.findall(path.read_text(encoding="utf-8")):
            assert target.startswith("./") or target.startswith("../"), (path.name, target)
            assert (path.parent / target).resolve().is_file(), (path.name, target)


def test_api_requests_in_the_scripts_omit_credentials_and_referrer() -> None:
    """Two places call fetch(): the API module, and the entry's early keys request."""
    callers = {"common.js": 1, "page.js": 1, "parts.js": 1}
    for path in OFFICER_JS:
        source = strip_js_comments(path.read_text(encoding="utf-8"))
        calls = len(re.findall(r"\bfetch\(", source))
        assert calls == callers.get(path.name, 0), path.name
        if calls:
            assert re.search(r"credentials: 'omit'", source), path.name
            assert re.search(r"referrerPolicy: 'no-referrer'", source), path.name
            assert re.search(r"cache: 'no-store'", source), path.name
        assert "document.cookie" not in source and "sessionStorage" not in source


PAGE_CODES = {
    "/i": (
        "unknown_round",
        "round_not_collecting",
        "invitation_used",
        "invitation_reissued",
        "unknown_invitation",
    ),
    "/a": (
        "unknown_round",
        "round_not_collecting",
        "token_spent",
        "answer_duplicate",
        "bad_signature",
        "wrong_round",
        "too_large",
    ),
}


def test_every_message_key_used_by_the_scripts_is_in_the_pages(
    client: FlaskClient, open_round: Round
) -> None:
    """msg('x') in a script needs data-x on #o-text of the page that loads it."""
    used: dict[str, set[str]] = {}
    for path in OFFICER_JS:
        source = path.read_text(encoding="utf-8")
        keys = set(re.findall(r"msg\(\s*'([a-z0-9-]*[a-z0-9])'", source))
        if path.name == "common.js":  # showFailure's table: each key and its title
            table = source[source.index("const BY_CODE") :].split("});", 1)[0]
            by_code = dict(re.findall(r"(\w+):\s*'([a-z0-9-]+)'", table))
            keys |= {"offline-title", "busy-title", "generic-title"}
        used[path.name] = keys
    # The API failures each page can meet (DESIGN.md section 6): tokens, or answers.
    assert set(by_code) == set(PAGE_CODES["/i"]) | set(PAGE_CODES["/a"])
    failures = {
        page: {k for code in codes for k in (by_code[code], f"{by_code[code]}-title")}
        for page, codes in PAGE_CODES.items()
    }
    shared = used["page.js"] | used["common.js"]
    pages = {
        "/i": shared | used["invite-flow.js"] | used["typed.js"] | failures["/i"],
        f"/a/{open_round.public_id}": shared
        | failures["/a"]
        | used["answer-flow.js"]
        | used["review.js"]
        | used["send.js"]
        | used["handoff.js"],
    }
    dynamic = {"warn-number", "warn-date", "warn-time", "done-now", "done-before"}
    for reason in ("insecure-context", "no-webcrypto", "no-random", "no-bigint", "no-textcoding"):
        dynamic.add(f"unsupported-{reason}")
    for url, keys in pages.items():
        data = parts_of(client.get(url).get_data(as_text=True)).data
        wanted = keys | (dynamic if url != "/i" else {k for k in dynamic if "unsupported" in k})
        if url.startswith("/a/"):  # a consultation adds its part, messages included
            part = client.get("/consultation-parts").get_data(as_text=True)
            data = {**data, **parts_of(part).data}
            wanted |= used["consult-form.js"]
        missing = {k for k in wanted if f"data-{k}" not in data}
        assert not missing, f"{url}: {sorted(missing)}"


# ---------------------------------------------------------------------------------------
# Language


def test_language_from_query_or_accept_language(client: FlaskClient, open_round: Round) -> None:
    for url in officer_urls(open_round):
        english = client.get(url + "?lang=en").get_data(as_text=True)
        assert '<html lang="en">' in english
        by_header = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert '<html lang="en">' in by_header.get_data(as_text=True)
        default = client.get(url).get_data(as_text=True)
        assert '<html lang="zh-CN">' in default
        chinese = client.get(url, headers={"Accept-Language": "en"}, query_string={"lang": "zh"})
        assert '<html lang="zh-CN">' in chinese.get_data(as_text=True)
    english = client.get("/i?lang=en").get_data(as_text=True)
    assert "Preparing your anonymous token" in english
    chinese = client.get("/i").get_data(as_text=True)
    assert "Preparing your anonymous token" not in chinese


def test_answer_page_explains_anonymity_in_chinese(client: FlaskClient, open_round: Round) -> None:
    html = client.get(f"/a/{open_round.public_id}?lang=zh").get_data(as_text=True)
    assert "书记" in html  # "not even the secretary" can tell who wrote what
    assert 'href="/how?lang=zh"' in html  # the steps, on a page of their own
    steps = client.get("/how?lang=zh")
    assert steps.status_code == 200 and "Set-Cookie" not in steps.headers
    assert "盲签名" in steps.get_data(as_text=True) and "<ol" in steps.get_data(as_text=True)


# ---------------------------------------------------------------------------------------
# Compression and comment stripping (the 30 KB budget)


def test_static_javascript_is_gzipped_without_comment_lines(client: FlaskClient) -> None:
    source = (STATIC / "js" / "blindrsa.js").read_text(encoding="utf-8")
    with client.get("/static/js/blindrsa.js", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "Accept-Ranges" not in response.headers
        served = gzip.decompress(response.get_data()).decode("utf-8")
    assert served == strip_js_comments(source)
    assert len(served) < 0.75 * len(source)
    with client.get("/static/js/blindrsa.js") as plain:
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data(as_text=True) == source


def test_compressed_static_files_still_revalidate(client: FlaskClient) -> None:
    with client.get("/static/js/hpke.js", headers={"Accept-Encoding": "gzip"}) as first:
        etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    headers = {"Accept-Encoding": "gzip", "If-None-Match": etag}
    with client.get("/static/js/hpke.js", headers=headers) as again:
        assert again.status_code == 304


def test_pages_are_gzipped_but_api_and_staff_pages_never(
    client: FlaskClient, open_round: Round
) -> None:
    gz = {"Accept-Encoding": "gzip"}
    page = client.get("/i", headers=gz)
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.get_data())
    keys = client.get(f"/api/v1/rounds/{open_round.public_id}/keys", headers=gz)
    assert keys.status_code == 200 and "Content-Encoding" not in keys.headers
    login = client.get("/auth/login", headers=gz)
    assert "Content-Encoding" not in login.headers


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/** doc\n * more\n */\nconst a = 1; // keep\n", "const a = 1; // keep\n"),
        ("  // only a comment\nlet s = 'http://x';\n", "let s = 'http://x';\n"),
        ("/* a */ let x = 1;\n", "/* a */ let x = 1;\n"),
        ("/* open\n still */ let y = 2;\n", "let y = 2;\n"),
        ("const t = `\n// inside a template\n`;\n", "const t = `\n// inside a template\n`;\n"),
    ],
)
def test_strip_js_comments(source: str, expected: str) -> None:
    assert strip_js_comments(source) == expected


@pytest.mark.skipif(NODE is None, reason="node not found")
@pytest.mark.parametrize("path", ALL_JS, ids=lambda p: str(p.relative_to(STATIC)))
def test_stripped_modules_still_parse(path: Path, tmp_path: Path) -> None:
    assert NODE is not None
    stripped = tmp_path / (path.stem + ".mjs")
    stripped.write_text(strip_js_comments(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = subprocess.run(
        [NODE, "--check", str(stripped)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------
# Pure functions of the page scripts, run in Node


NODE_CHECKS = """
const base = process.argv[1];
const form = await import(base + '/answer-flow.js');
const review = await import(base + '/review.js');
const invite = await import(base + '/typed.js');
const flow = await import(base + '/answer-flow.js');
const texts = JSON.parse(process.argv[2]);
console.log(JSON.stringify({
  details: texts.map((t) => review.findIdentifyingDetails(t)),
  lengths: ['队伍', '𠀀a', ''].map(form.codePoints),
  forms: [
    invite.readForm('ABC123', 'abcd EFGH-jkmn pqrs tuvw xyz2 34'),
    invite.readForm('https://x.example/i#r=r1&c=abcdefghjkmnpqrstuvwxyz234&fp=ff', ''),
    invite.readForm('r1', 'abcd'),
    invite.readForm('r-1', 'abcdefghjkmnpqrstuvwxyz234'),
    invite.readForm('r1', 'abcdefghjkmnpqrstuvwxyz230'),
  ],
  paths: ['/a/abc123', '/a/abc123/', '/a/ABC', '/i'].map(flow.roundIdFromPath),
}));
"""


@pytest.mark.skipif(NODE is None, reason="node not found")
def test_page_script_helpers_in_node() -> None:
    import json

    assert NODE is not None
    texts = [
        "我的警号是123456，电话138-1234-5678",
        "3月5日下午3点在所里",
        "2026-03-05 14:30 的会",
        "有3点建议，提高1.5倍，共10000元",
        "身份证11010519491231002X",
        "十二月三十一日晚上十点，9点半开会",
    ]
    base = (STATIC / "js" / "officer").as_uri()
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", NODE_CHECKS, base, json.dumps(texts)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    spotted = [[(d["kind"], d["text"]) for d in found] for found in out["details"]]
    assert spotted == [
        [("number", "123456"), ("number", "138-1234-5678")],
        [("date", "3月5日"), ("time", "下午3点")],
        [("date", "2026-03-05"), ("time", "14:30")],
        [],
        [("number", "11010519491231002X")],
        [("date", "十二月三十一日"), ("time", "晚上十点"), ("time", "9点半")],
    ]
    assert out["lengths"] == [2, 2, 0]
    code = "abcdefghjkmnpqrstuvwxyz234"
    assert out["forms"] == [
        {"r": "abc123", "c": "abcdefghjkmnpqrstuvwxyz234", "fp": None},
        {"r": "r1", "c": code, "fp": "ff"},
        "bad-code",
        "bad-round",
        "bad-code",
    ]
    assert out["paths"] == ["abc123", "abc123", None, None]


def test_style_sheets_are_served_without_comment_lines(client: FlaskClient) -> None:
    with client.get("/static/css/officer.css", headers={"Accept-Encoding": "gzip"}) as response:
        served = gzip.decompress(response.data).decode("utf-8")
    source = (STATIC / "css" / "officer.css").read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in served
    assert served.count("{") == source.count("{")  # every rule is still there
