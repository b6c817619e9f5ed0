"""The hostile corpus: requests no honest client sends, against every public endpoint and upload.

A table of :class:`Hostile` requests, each with the status it must get. Paths and form values
name the test branch's objects by placeholder (``{draft}``, ``{member}`` …, see conftest.py).
Form values are text (sent as UTF-8, percent-encoded) or :class:`Raw` bytes sent exactly as
written, which is how NUL characters, bytes that are not UTF-8 and UTF-8-encoded surrogates get
onto the wire.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

KIB = 1024
# Larger than MAX_CONTENT_LENGTH (128 KiB).
TOO_LARGE = 200 * KIB
# Within the body limit, longer than any field's limit.
OVERLONG = "长" * 9000
# As long as a blinded message or signature (RSA-2048), base64url.
RSA_B64 = base64.urlsafe_b64encode(b"\x01" * 256).rstrip(b"=").decode()
HTML = "html"
API = "api"


@dataclass(frozen=True)
class Raw:
    """Bytes that go into a form body exactly as written (already percent-encoded or not)."""

    data: bytes


FormValue = str | Raw


@dataclass(frozen=True)
class Hostile:
    """One request and the refusal it must get."""

    name: str
    actor: str
    method: str
    path: str
    status: int
    form: tuple[tuple[str, FormValue], ...] | None = None
    body: bytes | None = None
    content_type: str | None = None
    code: str | None = None  # the API's error code, where one is expected
    multipart: tuple[tuple[str, bytes, str | None], ...] | None = None  # name, data, filename

    @property
    def kind(self) -> str:
        return API if self.path.startswith("/api/") else HTML


def encode_form(pairs: tuple[tuple[str, FormValue], ...], names: dict[str, str]) -> bytes:
    """``a=1&b=2`` with placeholders filled; Raw values are sent as they are."""
    parts = []
    for key, value in pairs:
        encoded = value.data if isinstance(value, Raw) else quote(value.format(**names)).encode()
        parts.append(quote(key.format(**names)).encode() + b"=" + encoded)
    return b"&".join(parts)


def encode_multipart(
    fields: tuple[tuple[str, bytes, str | None], ...], boundary: bytes = b"hostileboundary"
) -> tuple[bytes, str]:
    """A multipart body (fields and files given as raw bytes) and its content type."""
    chunks = []
    for name, data, filename in fields:
        disposition = b'form-data; name="' + name.encode("utf-8", "surrogatepass") + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename.encode("utf-8", "surrogatepass") + b'"'
        chunks.append(b"--" + boundary + b"\r\nContent-Disposition: " + disposition)
        chunks.append(b"\r\n\r\n" + data + b"\r\n")
    chunks.append(b"--" + boundary + b"--\r\n")
    return b"".join(chunks), "multipart/form-data; boundary=" + boundary.decode()


# --- form values that must be refused, whatever the field ---------------------------------------

FIELD_ATTACKS: tuple[tuple[str, FormValue], ...] = (
    ("nul", Raw(b"a%00b")),
    ("raw-nul", Raw(b"a\x00b")),
    ("not-utf8", Raw(b"%FF%FEx")),
    ("raw-not-utf8", Raw(b"\xc3\x28")),
    ("surrogate", Raw(b"%ED%A0%80")),
    ("overlong", OVERLONG),
)

# The forms, each with a valid set of values: one attacked field at a time makes it hostile.
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long enough pw"
FORMS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = tuple(
    (actor, path, tuple(values.items()))
    for actor, path, values in (
        ("anonymous", "/auth/login", {"username": "secretary", "password": PASSWORD, "next": "/"}),
        ("secretary", "/auth/password",
         {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        ("secretary", "/auth/language", {"lang": "en", "next": "/"}),
        ("secretary", "/secretary/roster/new",
         {"name": "王五", "note": "交警", "category": "party_member", "posts": "publicity"}),
        ("secretary", "/secretary/roster/{member}/edit",
         {"name": "民警0", "note": "治安", "category": "non_member"}),
        ("secretary", "/secretary/rounds/new",
         {"title": "新轮次", "intro": "请提意见", "deadline": "2099-01-01T09:00",
          "min_answers": "5", "custodian2": "{jijian}"}),
        ("secretary", "/secretary/rounds/{draft}/draft",
         {"title": "改名", "intro": "", "deadline": "", "min_answers": "6",
          "custodian2": "{jijian}", "members": "{member}", "order": "{draft_section}",
          "title-{draft_section}": "对班子的意见", "new_title": "新栏目",
          "move": "{draft_section}:down"}),
        ("secretary", "/secretary/rounds/{collecting}/intro", {"intro": "截止时间改为下周五"}),
        ("secretary", "/secretary/rounds/{collecting}/invitations/{collecting_invitation}/sent",
         {"sent": "1"}),
        ("secretary", "/secretary/rounds/{collecting}/extend", {"deadline": "2099-02-01T09:00"}),
        ("secretary", "/secretary/rounds/{collecting}/reissue",
         {"invitation": "nosuchinvitation", "reason": "手机丢失"}),
        ("secretary", "/secretary/rounds/{unsealed}/channel-items",
         {"channel": "paper", "day": "2026-01-05", "text-{section}": "值班要合理"}),
        ("secretary", "/committee/rounds/{unsealed}/themes/{theme}/rename", {"label": "新标题"}),
        ("secretary", "/committee/rounds/{unsealed}/items/{item}/status", {"status": "duplicate"}),
        ("jijian", "/custodian/rounds/{closed}/unseal", {"typed": "2AAA-AAAA-AAAA-AAAA"}),
        ("admin", "/admin/branches/new", {"name": "新支部", "slug": "new-branch"}),
        ("admin", "/admin/users/new",
         {"username": "newuser", "display_name": "王芳", "password": NEW_PASSWORD,
          "confirm": NEW_PASSWORD, "roles": "committee", "branch": ""}),
        ("admin", "/admin/users/{user}/password",
         {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        ("admin", "/admin/users/{user}/edit",
         {"display_name": "王芳", "roles": "committee", "member": ""}),
    )
)

# Forms whose valid values above would succeed when sent: they are only ever sent attacked.
# The values of the others are refused anyway (wrong part, no such invitation …), which is
# fine: each attack is then refused for its own reason as well.

# Button-only POSTs (an empty form): anything added to them is refused, the buttons never run.
BUTTONS: tuple[tuple[str, str], ...] = (
    ("anonymous", "/auth/logout"),
    ("secretary", "/secretary/roster/{member}/deactivate"),
    ("secretary", "/secretary/roster/{member}/activate"),
    ("secretary", "/secretary/rounds/{draft}/open"),
    ("secretary", "/secretary/rounds/{draft}/confirm-part"),
    ("secretary", "/secretary/rounds/{collecting}/close"),
    ("secretary", "/secretary/rounds/{collecting}/discard"),
    ("secretary", "/secretary/rounds/{collecting}/copy"),
    ("secretary", "/secretary/rounds/{collecting}/participants/add"),
    # Showing codes is a POST (each showing is counted).
    ("secretary", "/secretary/rounds/{collecting}/slips"),
    ("secretary", "/secretary/rounds/{collecting}/messages"),
    ("secretary", "/secretary/rounds/{collecting}/invitations.csv"),
    ("jijian", "/committee/rounds/{draft}/part"),
    ("jijian", "/committee/rounds/{draft}/confirm-part"),
    ("jijian", "/custodian/rounds/{closed}/withdraw"),
    ("secretary", "/committee/rounds/{unsealed}/themes/{theme}/merge"),
    ("secretary", "/committee/rounds/{unsealed}/themes/{theme}/unmerge"),
    ("secretary", "/committee/rounds/{unsealed}/items/{item}/move"),
    ("secretary", "/committee/rounds/{unsealed}/changes/{event}/undo"),
    ("admin", "/admin/users/{user}/deactivate"),
    ("admin", "/admin/users/{user}/activate"),
)

# Pages that take a round id (or another id) in their path, read with GET.
PAGES: tuple[tuple[str, str], ...] = (
    ("anonymous", "/a/{id}"),
    ("anonymous", "/r/{id}/board"),
    ("anonymous", "/r/{id}"),
    ("secretary", "/secretary/rounds/{id}"),
    ("secretary", "/secretary/rounds/{id}/log"),
    ("secretary", "/secretary/rounds/{id}/channel-items"),
    ("secretary", "/secretary/roster/{id}/edit"),
    ("secretary", "/committee/rounds/{id}"),
    ("secretary", "/committee/rounds/{id}/changes"),
    ("secretary", "/committee/rounds/{id}/export.csv"),
    ("secretary", "/committee/rounds/{unsealed}/themes/{id}"),
    ("secretary", "/committee/rounds/{unsealed}/items/{id}"),
    ("jijian", "/committee/rounds/{id}/part"),
    ("jijian", "/custodian/rounds/{id}/opening-sheet"),
    ("jijian", "/custodian/rounds/{id}/unseal"),
    ("admin", "/admin/users/{id}/edit"),
    ("admin", "/admin/users/{id}/password"),
)

# Ids no page can find: each must be a 404, never a database error.
BAD_IDS: tuple[tuple[str, str, int], ...] = (
    ("nul", "ab%00cd", 404),
    ("not-utf8", "%FF%FE", 404),
    ("surrogate", "%ED%A0%80", 404),
    ("control", "ab%0Acd", 404),
    ("unknown", "zzzzzzzzzzzzzzzz", 404),
    ("too-long", "a" * 1100, 414),
)

# Queries (on pages that read one) that must be refused.
QUERIES: tuple[tuple[str, str, str, int], ...] = (
    ("search-nul", "secretary", "/committee/rounds/{unsealed}?q=%00", 400),
    ("search-not-utf8", "secretary", "/committee/rounds/{unsealed}?q=%C3%28", 400),
    ("search-surrogate", "secretary", "/committee/rounds/{unsealed}?q=%ED%A0%80", 400),
    ("search-huge", "secretary", "/committee/rounds/{unsealed}?q=" + "x" * 5000, 414),
    ("slips-only-nul", "secretary", "/secretary/rounds/{collecting}/slips?only=%00", 400),
    ("dashboard-show-nul", "secretary", "/secretary/rounds/{collecting}?show=%00", 400),
    ("login-next-nul", "anonymous", "/auth/login?next=/%00", 400),
    ("login-next-not-utf8", "anonymous", "/auth/login?next=%FF", 400),
    ("login-huge", "anonymous", "/auth/login?next=" + "a" * 5000, 414),
    ("lang-nul", "anonymous", "/?lang=%00", 400),
    ("lang-not-utf8", "anonymous", "/?lang=%FF", 400),
    ("raw-nul-name", "anonymous", "/?%00=1", 400),
    ("roster-export-nul", "secretary", "/secretary/roster/export.csv?x=%00", 400),
    ("invite-page-nul", "anonymous", "/i?r=%00", 400),
    ("board-huge", "anonymous", "/r/{unsealed}/board?" + "x=1&" * 1200, 414),
    ("board-page-nul", "anonymous", "/r/{unsealed}?lang=%00", 400),
    ("board-page-huge", "anonymous", "/r/{unsealed}?" + "x=1&" * 1200, 414),
    ("how-lang-nul", "anonymous", "/how?lang=%00", 400),
    ("how-lang-not-utf8", "anonymous", "/how?lang=%FF", 400),
    ("how-nul-name", "anonymous", "/how?%00=1", 400),
    ("how-huge", "anonymous", "/how?" + "x=1&" * 1200, 414),
    ("parts-lang-nul", "anonymous", "/consultation-parts?lang=%00", 400),
    ("parts-lang-not-utf8", "anonymous", "/consultation-parts?lang=%FF", 400),
    ("parts-nul-name", "anonymous", "/consultation-parts?%00=1", 400),
    ("parts-huge", "anonymous", "/consultation-parts?" + "x=1&" * 1200, 414),
)

# Static files: nothing outside the static folder, nothing with a NUL.
STATIC: tuple[tuple[str, str, int], ...] = (
    ("traversal", "/static/..%2f..%2fpyproject.toml", 404),
    ("traversal-dots", "/static/../../pyproject.toml", 404),
    ("traversal-encoded-dots", "/static/%2e%2e/%2e%2e/pyproject.toml", 404),
    ("traversal-backslash", "/static/..%5c..%5cpyproject.toml", 404),
    ("hidden", "/static/.htaccess", 404),
    ("nul", "/static/css/site.css%00.png", 404),
    ("not-utf8", "/static/css/%FF.css", 404),
    ("missing", "/static/css/nothing.css", 404),
    ("long", "/static/" + "a/" * 600, 414),
)


def form_attacks() -> Iterator[Hostile]:
    """Each field of each form, attacked each way; and each form as a whole."""
    for actor, path, valid in FORMS:
        for field_name, _value in valid:
            for attack, value in FIELD_ATTACKS:
                pairs = tuple(
                    (name, value if name == field_name else original) for name, original in valid
                )
                yield Hostile(
                    f"{path}:{field_name}:{attack}", actor, "POST", path, 400, form=pairs
                )
        yield from whole_body_attacks(actor, path, valid)


def whole_body_attacks(
    actor: str, path: str, valid: tuple[tuple[str, str], ...]
) -> Iterator[Hostile]:
    yield Hostile(f"{path}:json-body", actor, "POST", path, 415,
                  body=json.dumps(dict(valid)).encode(), content_type="application/json")
    yield Hostile(f"{path}:too-large", actor, "POST", path, 413,
                  form=(*valid, ("filler", "x" * TOO_LARGE)))
    yield Hostile(f"{path}:nul-field-name", actor, "POST", path, 400,
                  form=((*valid, ("x\x00", "1"))))


def button_attacks() -> Iterator[Hostile]:
    for actor, path in BUTTONS:
        yield Hostile(f"{path}:extra-nul", actor, "POST", path, 400, form=(("x", Raw(b"%00")),))
        yield Hostile(f"{path}:text-plain", actor, "POST", path, 415,
                      body=b"close it", content_type="text/plain")
        yield Hostile(f"{path}:too-large", actor, "POST", path, 413,
                      form=(("filler", "x" * TOO_LARGE),))


def page_attacks() -> Iterator[Hostile]:
    for actor, template in PAGES:
        for attack, bad_id, status in BAD_IDS:
            if template == "/a/{id}" and attack == "unknown":
                continue  # the answer page is the same static shell for any well-formed id
            path = template.replace("{id}", bad_id)
            yield Hostile(f"{template}:{attack}", actor, "GET", path, status)


def query_attacks() -> Iterator[Hostile]:
    for name, actor, path, status in QUERIES:
        yield Hostile(f"query:{name}", actor, "GET", path, status)
    for name, path, status in STATIC:
        yield Hostile(f"static:{name}", "anonymous", "GET", path, status)
    yield Hostile("export:unknown-format", "secretary", "GET",
                  "/committee/rounds/{unsealed}/export.exe", 404)
    yield Hostile("export:nul-format", "secretary", "GET",
                  "/committee/rounds/{unsealed}/export.c%00sv", 404)
    yield Hostile("undo:not-a-number", "secretary", "POST",
                  "/committee/rounds/{unsealed}/changes/1%00/undo", 404)
    for path in ("/how", "/consultation-parts", "/r/{unsealed}"):
        yield Hostile(f"post-to-page:{path}", "anonymous", "POST", path, 405,
                      form=(("x", "1"),))
    yield Hostile("path:nul-anywhere", "anonymous", "GET", "/%00", 404)
    yield Hostile("path:not-utf8-anywhere", "anonymous", "GET", "/%C3%28", 404)


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


CSV_HEADER = "name,category,post\n"
ROSTER_FILES: tuple[tuple[str, bytes, int], ...] = (
    ("nul-byte", _csv(CSV_HEADER + "张\x00三,党员,\n"), 400),
    ("neither-utf8-nor-gb18030", b"name,category,post\n\x80\x80\x80,\xff\xff,\n", 400),
    ("empty", b"", 400),
    ("header-only", _csv(CSV_HEADER), 400),
    ("unknown-column", _csv("name,category,post,salary\n张三,党员,,1\n"), 400),
    ("name-too-long", _csv(CSV_HEADER + "张" * 101 + ",党员,\n"), 400),
    ("unknown-category", _csv(CSV_HEADER + "张三,民主党派,\n"), 400),
    ("unknown-post", _csv(CSV_HEADER + "张三,党员,所长\n"), 400),
    ("post-twice", _csv(CSV_HEADER + "张三,党员,宣传委员\n李四,党员,宣传委员\n"), 400),
    ("post-already-held", _csv(CSV_HEADER + "张三,党员,书记\n"), 400),
    ("too-many-cells", _csv(CSV_HEADER + "张三,党员,,多余\n"), 400),
    ("too-many-rows", _csv(CSV_HEADER + "甲,党员,\n" * 5001), 400),
    ("unclosed-quote", _csv(CSV_HEADER + '"张三,党员,\n'), 400),
    ("binary", bytes(range(1, 256)) * 4, 400),
    ("xlsx-not-a-zip", b"PK\x03\x04" + bytes(range(256)) * 4, 400),
    ("old-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, 400),
    ("too-large", b"a" * TOO_LARGE, 413),
)


def roster_attacks() -> Iterator[Hostile]:
    """The roster upload (multipart) and its confirm step (base64 text in a hidden field)."""
    path = "/secretary/roster/import"
    for name, data, status in ROSTER_FILES:
        yield Hostile(f"roster-upload:{name}", "secretary", "POST", path, status,
                      multipart=(("file", data, "roster.csv"),))
    good = _csv(CSV_HEADER + "张三,党员,\n")
    for name, fields in (
        ("no-file", (("note", b"x", None),)),
        ("field-nul", (("file", good, "roster.csv"), ("x", b"a\x00b", None))),
        ("field-not-utf8", (("file", good, "roster.csv"), ("x", b"\xff\xfe", None))),
        ("filename-nul", (("file", good, "ros\x00ter.csv"),)),
        ("filename-surrogate", (("file", good, "ros\ud800ter.csv"),)),
    ):
        yield Hostile(f"roster-upload:{name}", "secretary", "POST", path, 400, multipart=fields)
    yield Hostile("roster-upload:no-boundary", "secretary", "POST", path, 400,
                  body=b"--x\r\n\r\n", content_type="multipart/form-data")
    yield Hostile("roster-upload:garbage-multipart", "secretary", "POST", path, 400,
                  body=b"\xff" * 100, content_type="multipart/form-data; boundary=abc")
    confirm = "/secretary/roster/import/confirm"
    for name, text in (
        ("nul", base64.b64encode(_csv(CSV_HEADER + "张\x00三,党员,\n")).decode()),
        ("not-utf8", base64.b64encode(b"name,category,post\n\xff\xfe,x,\n").decode()),
        ("surrogate", base64.b64encode(b"name,category,post\n\xed\xa0\x80,x,\n").decode()),
        ("not-base64", "%%%"),
        ("empty", ""),
        ("stale-errors", base64.b64encode(_csv(CSV_HEADER + "张三,党员,书记\n")).decode()),
        ("overlong", "QUFB" * 70000),
    ):
        yield Hostile(f"roster-confirm:{name}", "secretary", "POST", confirm,
                      413 if name == "overlong" else 400, form=(("text", text),))


# --- the officers' JSON API ----------------------------------------------------------------------

def _api(name: str, method: str, path: str, status: int, code: str, body: bytes | None = None,
         content_type: str | None = "application/json") -> Hostile:
    return Hostile(f"api:{name}", "anonymous", method, path, status,
                   body=body, content_type=content_type if body is not None else None, code=code)


JSON_BODIES: tuple[tuple[str, bytes], ...] = (
    ("deep-array", b"[" * 50000 + b"]" * 50000),
    ("deep-object", b'{"a":' * 5000 + b"1" + b"}" * 5000),
    ("deep-unclosed", b"[" * 100000),
    ("surrogate-value", b'{"invitation": "\\ud800", "blinded_msg": "' + RSA_B64.encode() + b'"}'),
    ("surrogate-key", b'{"\\udfff": 1}'),
    ("nul-in-code", b'{"invitation": "ab\\u0000cd", "blinded_msg": "' + RSA_B64.encode() + b'"}'),
    ("nan", b'{"invitation": NaN}'),
    ("infinity", b'{"invitation": -Infinity}'),
    ("duplicate-keys", b'{"invitation": "a", "invitation": "b"}'),
    ("not-utf8", b'{"invitation": "\xff\xfe"}'),
    ("utf16", '{"invitation": "x"}'.encode("utf-16")),
    ("array", b"[]"),
    ("string", b'"hello"'),
    ("number", b"1e999999"),
    ("huge-int", b"1" * 5000),
    ("empty", b""),
    ("truncated", b'{"invitation": "ab'),
    ("trailing-garbage", b'{"invitation": "ab"} xyz'),
    ("bom", b'\xef\xbb\xbf{"invitation": "ab"}'),
    ("wrong-types", b'{"invitation": 1, "blinded_msg": [], "token": {}, "signature": null}'),
    ("bad-base64", b'{"invitation": "ab", "blinded_msg": "***", "token": "***", "signature": "!",'
                   b' "sealed": "==="}'),
    ("short-values", b'{"invitation": "ab", "blinded_msg": "AA", "token": "AA", "signature": "AA",'
                     b' "sealed": "AA"}'),
)


def api_attacks() -> Iterator[Hostile]:
    base = "/api/v1/rounds/{collecting}"
    for endpoint in ("tokens", "answers"):
        path = f"{base}/{endpoint}"
        for name, body in JSON_BODIES:
            yield _api(f"{endpoint}:{name}", "POST", path, 400, "malformed", body)
        yield _api(f"{endpoint}:text-plain", "POST", path, 415, "not_json", b"{}", "text/plain")
        yield _api(f"{endpoint}:form", "POST", path, 415, "not_json", b"a=%00",
                   "application/x-www-form-urlencoded")
        yield _api(f"{endpoint}:no-type", "POST", path, 415, "not_json", b"{}", None)
        yield _api(f"{endpoint}:too-large", "POST", path, 413, "too_large",
                   b'{"a": "' + b"x" * TOO_LARGE + b'"}')
        yield _api(f"{endpoint}:get", "GET", path, 405, "method_not_allowed")
    yield _api("tokens:unknown-invitation", "POST", f"{base}/tokens", 403, "unknown_invitation",
               json.dumps({"invitation": "abcdefghjkmnpqrs", "blinded_msg": RSA_B64}).encode())
    yield _api("tokens:closed-round", "POST", "/api/v1/rounds/{closed}/tokens", 410,
               "round_not_collecting", b"[" * 50000)
    yield _api("answers:closed-round", "POST", "/api/v1/rounds/{closed}/answers", 410,
               "round_not_collecting", b'{"token": "\\ud800"}')
    status = "/api/v1/rounds/{closed}/invitation-status"
    for name, body in JSON_BODIES:
        if name not in ("wrong-types", "bad-base64", "short-values"):
            yield _api(f"status:{name}", "POST", status, 400, "malformed", body)
    yield _api("status:unknown", "POST", status, 403, "unknown_invitation",
               b'{"invitation": "abcdefghjkmnpqrs"}')
    for name, bad_id, code in (
        ("nul", "ab%00cd", 404),
        ("not-utf8", "%FF%FE", 404),
        ("draft", "{draft}", 404),
        ("unknown", "zzzz", 404),
        ("too-long", "a" * 1100, 414),
    ):
        api_code = "too_large" if code == 414 else "unknown_round"
        yield _api(f"keys:{name}", "GET", f"/api/v1/rounds/{bad_id}/keys", code, api_code)
        yield _api(f"tokens-round:{name}", "POST", f"/api/v1/rounds/{bad_id}/tokens", code,
                   api_code, b"{}")
    yield _api("keys:query-nul", "GET", "/api/v1/rounds/{collecting}/keys?x=%00", 400, "malformed")
    yield _api("unknown-endpoint", "GET", "/api/v1/nothing", 404, "not_found")


def corpus() -> list[Hostile]:
    entries = [
        *form_attacks(),
        *button_attacks(),
        *page_attacks(),
        *query_attacks(),
        *roster_attacks(),
        *api_attacks(),
    ]
    names = [entry.name for entry in entries]
    assert len(names) == len(set(names)), "every request has its own name"
    return entries


CORPUS = corpus()
