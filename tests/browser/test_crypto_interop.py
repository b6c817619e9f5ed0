"""Real-Chromium interop of the browser crypto modules with the Python crypto core.

The phone page runs survey/static/js/*.js unchanged (ES modules, no build step). Here a real
Chromium with a phone viewport loads them from a plain static server on 127.0.0.1 (a secure
context, so ``crypto.subtle`` exists) under a strict CSP, and the values cross to Python:

- JS prepare + blind -> Python ``blind_sign`` -> JS finalize -> Python ``verify``;
- JS pad + seal of a Chinese answer -> Python ``open_sealed`` -> ``parse_answer``;
- the JS round fingerprint equals Python's; JS padding equals Python's byte for byte;
- on a plain-http, non-local origin the support check names the reason.
"""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from survey.crypto import blindrsa, seal

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
STATIC = Path(__file__).resolve().parents[2] / "survey" / "static"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What the officer pages will send: modules from our origin only, nothing inline, no eval.
CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'"
BLANK = b'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>t</title></html>'
ROUND_ID = "r0und7x"

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is missing (apt-get install -y chromium): browser tests skipped",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is missing")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """survey/static as the app serves it: JS as text/javascript, a blank page, a strict CSP."""

    extensions_map = {  # noqa: RUF012 (the base class declares it as a plain class attribute)
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html",
    }

    def do_GET(self) -> None:
        if self.path == "/blank.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(BLANK)))
            self.end_headers()
            self.wfile.write(BLANK)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_url() -> Iterator[str]:
    handler = partial(StaticHandler, directory=str(STATIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context
    context.close()


@pytest.fixture
def page(context: Any, static_url: str) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    page.goto(f"{static_url}/blank.html")
    yield page
    assert errors == [], f"errors in the page: {errors}"


def test_modules_are_served_as_javascript(page: Any, static_url: str) -> None:
    for name in ("b64u", "support", "blindrsa", "hpke", "fingerprint"):
        response = page.request.get(f"{static_url}/js/{name}.js")
        assert response.ok, name
        assert response.headers["content-type"].startswith("text/javascript"), name


def test_support_check_passes_on_a_secure_origin(page: Any) -> None:
    result = page.evaluate(
        """async () => {
            const { checkSupport } = await import('/js/support.js');
            return { support: checkSupport(), secure: window.isSecureContext };
        }"""
    )
    assert result == {"support": {"ok": True, "reason": None}, "secure": True}


def test_support_check_names_plain_http(context: Any, static_url: str) -> None:
    """A plain-http page on a non-local name is not a secure context: crypto.subtle is hidden."""

    def forward(route: Any) -> None:
        path = urlsplit(route.request.url).path
        route.fulfill(response=route.fetch(url=f"{static_url}{path}"))

    context.route("http://survey.example/**", forward)
    page = context.new_page()
    page.goto("http://survey.example/blank.html")
    result = page.evaluate(
        """async () => {
            const { checkSupport } = await import('/js/support.js');
            return checkSupport();
        }"""
    )
    assert result == {"ok": False, "reason": "insecure-context"}


def test_token_js_blind_python_sign_js_finalize_python_verify(page: Any) -> None:
    key = blindrsa.generate_token_key()
    spki = blindrsa.public_key_spki(key)
    # CPU slowed 4x, as in the budget (DESIGN §5: a token in < 1 s on a slowed phone).
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})

    first = page.evaluate(
        """async ({ spki, roundId }) => {
            const br = await import('/js/blindrsa.js');
            const { b64uDecode, b64uEncode } = await import('/js/b64u.js');
            const t0 = performance.now();
            const pk = await br.importTokenKey(b64uDecode(spki));
            const inputMsg = br.prepare(br.tokenMessage(roundId));
            const { blindedMsg, inv } = await br.blind(pk, inputMsg);
            const ms = performance.now() - t0;
            window.pending = { br, pk, inputMsg, inv };
            return { blindedMsg: b64uEncode(blindedMsg), inputMsg: b64uEncode(inputMsg), ms };
        }""",
        {"spki": b64u(spki), "roundId": ROUND_ID},
    )
    input_msg = unb64u(first["inputMsg"])
    blinded = unb64u(first["blindedMsg"])
    assert len(blinded) == 256
    assert blinded != input_msg

    blind_sig = blindrsa.blind_sign(key, blinded)

    second = page.evaluate(
        """async (blindSig) => {
            const { b64uDecode, b64uEncode } = await import('/js/b64u.js');
            const { br, pk, inputMsg, inv } = window.pending;
            const t0 = performance.now();
            const sig = await br.finalize(pk, inputMsg, b64uDecode(blindSig), inv);
            return { sig: b64uEncode(sig), ms: performance.now() - t0 };
        }""",
        b64u(blind_sig),
    )
    signature = unb64u(second["sig"])
    blindrsa.verify(key.public_key(), input_msg, signature)  # raises when it does not verify
    nonce = blindrsa.parse_token(input_msg, ROUND_ID)  # DESIGN §6 layout, for this round
    assert input_msg[32:] == blindrsa.build_token_message(ROUND_ID, nonce)
    client_ms = first["ms"] + second["ms"]
    print(f"client token work in Chromium, CPU slowed 4x: {client_ms:.0f} ms")
    assert client_ms < 1000


def test_finalize_refuses_a_tampered_blind_signature(page: Any) -> None:
    key = blindrsa.generate_token_key()
    blinded = page.evaluate(
        """async (spki) => {
            const br = await import('/js/blindrsa.js');
            const { b64uDecode, b64uEncode } = await import('/js/b64u.js');
            const pk = await br.importTokenKey(b64uDecode(spki));
            const inputMsg = br.prepare(br.tokenMessage('abc'));
            const { blindedMsg, inv } = await br.blind(pk, inputMsg);
            window.pending = { br, pk, inputMsg, inv };
            return b64uEncode(blindedMsg);
        }""",
        b64u(blindrsa.public_key_spki(key)),
    )
    blind_sig = bytearray(blindrsa.blind_sign(key, unb64u(blinded)))
    blind_sig[-1] ^= 1
    outcome = page.evaluate(
        """async (blindSig) => {
            const { b64uDecode } = await import('/js/b64u.js');
            const { br, pk, inputMsg, inv } = window.pending;
            try {
                await br.finalize(pk, inputMsg, b64uDecode(blindSig), inv);
                return 'accepted';
            } catch (err) {
                return String(err.message);
            }
        }""",
        b64u(bytes(blind_sig)),
    )
    assert "does not verify" in outcome


@pytest.mark.parametrize(
    ("answers", "size"),
    [
        (
            {
                "s1": "支部要多听一线民警的意见，值班安排请更透明。",
                "s2": '「其他意见建议」：加强业务培训 "引号" \\ 换行\n第二行',
            },
            4096,
        ),
        ({"s1": "队伍建设" * 1000}, 16384),
    ],
    ids=["short", "long"],
)
def test_answer_js_seal_python_open_and_parse(
    page: Any, answers: dict[str, str], size: int
) -> None:
    key = seal.generate_seal_key()
    public65 = seal.seal_public_bytes(key)
    result = page.evaluate(
        """async ({ pub, roundId, answers }) => {
            const hpke = await import('/js/hpke.js');
            const { b64uDecode, b64uEncode } = await import('/js/b64u.js');
            const padded = hpke.padAnswer(answers);
            const sealed = await hpke.seal(b64uDecode(pub), hpke.answerInfo(roundId), padded);
            return { sealed: b64uEncode(sealed), padded: b64uEncode(padded) };
        }""",
        {"pub": b64u(public65), "roundId": ROUND_ID, "answers": answers},
    )
    sealed = unb64u(result["sealed"])
    padded = unb64u(result["padded"])
    assert len(padded) == size
    assert len(sealed) == size + 65 + 16
    seal.check_sealed_size(len(sealed))
    # The browser spells the JSON exactly as Python's json.dumps(ensure_ascii=False) does.
    assert padded == seal.pad_answer(answers)
    plaintext = seal.open_sealed(key, sealed, seal.answer_info(ROUND_ID))
    assert plaintext == padded
    assert seal.parse_answer(plaintext) == answers
    # Bound to its round: the same bytes do not open under another round's info.
    with pytest.raises(Exception, match="does not open"):
        seal.open_sealed(key, sealed, seal.answer_info("otherround"))


def test_round_fingerprint_matches_python(page: Any) -> None:
    spki = blindrsa.public_key_spki(blindrsa.generate_token_key())
    public65 = seal.seal_public_bytes(seal.generate_seal_key())
    expected = seal.round_fingerprint(spki, public65)
    result = page.evaluate(
        """async ({ spki, pub, short }) => {
            const fp = await import('/js/fingerprint.js');
            const { b64uDecode } = await import('/js/b64u.js');
            const [s, p] = [b64uDecode(spki), b64uDecode(pub)];
            return {
                fp: await fp.roundFingerprint(s, p),
                slip: await fp.fingerprintMatches(short, s, p),
            };
        }""",
        {"spki": b64u(spki), "pub": b64u(public65), "short": expected[:16]},
    )
    assert result == {"fp": expected, "slip": True}
