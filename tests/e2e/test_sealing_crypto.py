"""The sealing format in the browser (inaproc/static/js/sealing/) against the Python one
(inaproc.seal), byte for byte, in the system Chromium: sealed files, Shamir shares, the
tender key ceremony, opening key files and the bid letter, each made on one side and
opened or checked on the other (docs/sealed-bids.md).

One page serves every test but the first: its origin (http://sealing.localhost, a secure
context) is answered by Playwright from inaproc/static/ itself, so no server or database
is involved; the first test loads the modules from a real page of the live server, under
the project's Content-Security-Policy. Bytes cross between Python and the page as b64u."""

import base64
import hashlib
import io
import itertools
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from inaproc.seal import bid_letter, opening_key, shamir, tender_keys
from inaproc.seal.encoding import b64u_decode, b64u_encode, fingerprint, public_raw, scalar_of
from inaproc.seal.errors import SealError
from inaproc.seal.sealed_file import check_sealed, open_stream, seal_stream

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[2] / "inaproc" / "static"
ORIGIN = "http://sealing.localhost"
RECORD = 1024  # the smallest record size: several records from a few KiB
MIB = 1 << 20
TENDER = "12345000"

# The modules, and bytes <-> b64u, on window.S for the tests' page.evaluate calls.
HARNESS = """async () => {
  const load = (name) => import(`/static/js/sealing/${name}.js`);
  const [format, ecies, openingKey, ceremony, shares, bidLetter, shamir] = await Promise.all([
    load("format"), load("ecies"), load("opening-key"), load("ceremony"), load("shares"),
    load("bid-letter"), import("/static/vendor/shamir-secret-sharing/index.js"),
  ]);
  const bytes = format.b64uDecode;
  const text = format.b64u;
  const blobText = async (blob) => text(new Uint8Array(await blob.arrayBuffer()));
  // An ECDH private CryptoKey (extractable) from d and the raw public key, as b64u.
  const privateKey = (d, pub) => {
    const raw = bytes(pub);
    const jwk = { kty: "EC", crv: "P-256", d, x: text(raw.slice(1, 33)),
                  y: text(raw.slice(33)), ext: true };
    return crypto.subtle.importKey(
      "jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  };
  const failure = async (promise) => {
    try { await promise; return null; } catch (error) { return error.code || String(error); }
  };
  window.S = { format, ecies, openingKey, ceremony, shares, bidLetter, shamir,
               bytes, text, blobText, privateKey, failure };
  return Object.keys(window.S).length;
}"""

CONTENT_TYPES = {".js": "text/javascript", ".html": "text/html"}


def serve_static(route: Route) -> None:
    """Answer http://sealing.localhost/static/<path> from inaproc/static/, anything else
    with an empty page."""
    path = route.request.url.removeprefix(ORIGIN).split("?")[0]
    if not path.startswith("/static/"):
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>t</title>")
        return
    file = (STATIC / path.removeprefix("/static/")).resolve()
    if STATIC not in file.parents or not file.is_file():
        route.fulfill(status=404, body="")
        return
    content_type = CONTENT_TYPES.get(file.suffix, "text/plain")
    route.fulfill(status=200, content_type=content_type, body=file.read_bytes())


@pytest.fixture(scope="module")
def sealing_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.route(f"{ORIGIN}/**", serve_static)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{ORIGIN}/")
    assert page.evaluate(HARNESS) == 12
    yield page
    assert errors == []
    context.close()


def tender_key() -> tuple[object, bytes, str]:
    """A Python tender key: (private key, raw public key, d as b64u)."""
    private_key, raw = tender_keys.make_tender_key()
    return private_key, raw, b64u_encode(scalar_of(private_key))


def browser_seal(page: Page, data: bytes, *, slot: str, public: bytes, rs: int) -> dict:
    return page.evaluate(
        """async ([data, slot, pub, tender, rs]) => {
          const file = new File([S.bytes(data)], "dokumen penawaran é.pdf",
                                { type: "application/pdf" });
          const phases = new Set();
          const sealed = await S.format.sealFile(file, {
            tender, slot, tenderPublicRaw: S.bytes(pub), recordSize: rs,
            onProgress: (p) => phases.add(p.phase),
          });
          return { sealed: await S.blobText(sealed.blob), sha256: sealed.sha256,
                   size: sealed.size, selfChecked: sealed.selfChecked,
                   phases: [...phases].sort() };
        }""",
        [b64u_encode(data), slot, b64u_encode(public), TENDER, rs],
    )


def python_seal(data: bytes, *, slot: str, public: bytes, rs: int) -> bytes:
    out = io.BytesIO()
    seal_stream(
        io.BytesIO(data),
        out,
        tender=TENDER,
        slot=slot,
        tender_public_raw=public,
        name="harga.xlsx",
        content_type="application/vnd.ms-excel",
        size=len(data),
        record_size=rs,
    )
    return out.getvalue()


def test_modules_load_under_the_sites_content_security_policy(page: Page, live_server) -> None:
    """The sealing modules and the vendored libraries they import load as same-origin ES
    modules on a real page of the site, whose CSP forbids inline scripts and other
    origins: nothing is refused, and a seal made there opens there."""
    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    result = page.evaluate(
        """async () => {
          const format = await import("/static/js/sealing/format.js");
          await import("/static/js/sealing/ceremony.js");
          await import("/static/js/sealing/upload.js");
          const pair = await crypto.subtle.generateKey(
            { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
          const pub = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
          const sealed = await format.sealFile(new Blob(["isi"]), {
            tender: "1", slot: "penawaran", tenderPublicRaw: pub });
          const opened = await format.openSealed(sealed.blob, pair.privateKey);
          return [await opened.blob.text(), typeof window.tus.Upload];
        }"""
    )
    assert result == ["isi", "function"]
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("size", "rs"),
    [(0, RECORD), (1, RECORD), (RECORD, RECORD), (RECORD + 1, RECORD), (3 * MIB + 7, MIB)],
)
def test_browser_sealed_file_opens_in_python(sealing_page: Page, size: int, rs: int) -> None:
    """A file sealed by the browser (empty, one byte, exactly one record, one record and
    a byte, ~3 MiB in 1 MiB records) passes the server's upload check, opens in Python
    to the same bytes, name and type, and the browser's hash is the sealed bytes'."""
    private_key, public, _ = tender_key()
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    result = browser_seal(sealing_page, data, slot="penawaran", public=public, rs=rs)
    sealed = b64u_decode(result["sealed"])

    assert result["selfChecked"] is True
    assert result["phases"] == ["check", "seal"]
    assert result["size"] == len(sealed)
    assert result["sha256"] == hashlib.sha256(sealed).hexdigest()
    check_sealed(
        io.BytesIO(sealed), tender=TENDER, slot="penawaran", key_fingerprint=fingerprint(public)
    )
    out = io.BytesIO()
    opened = open_stream(
        io.BytesIO(sealed),
        out,
        private_key=private_key,
        expect_tender=TENDER,
        expect_slot="penawaran",
    )
    assert out.getvalue() == data
    assert (opened.name, opened.content_type, opened.size) == (
        "dokumen penawaran é.pdf",
        "application/pdf",
        size,
    )


@pytest.mark.parametrize(
    ("size", "rs"),
    [(0, RECORD), (1, RECORD), (RECORD, RECORD), (RECORD + 1, RECORD), (3 * MIB + 7, MIB)],
)
def test_python_sealed_file_opens_in_the_browser(sealing_page: Page, size: int, rs: int) -> None:
    """A file sealed by Python opens in the browser's openSealed to the same bytes, name,
    type and size."""
    _, public, d = tender_key()
    data = bytes(reversed(range(256))) * (size // 256) + b"\x07" * (size % 256)
    sealed = python_seal(data, slot="file2", public=public, rs=rs)
    opened = sealing_page.evaluate(
        """async ([sealed, d, pub, tender]) => {
          const key = await S.privateKey(d, pub);
          const opened = await S.format.openSealed(new Blob([S.bytes(sealed)]), key,
                                                   { expectTender: tender, expectSlot: "file2" });
          return { data: await S.blobText(opened.blob), name: opened.name,
                   type: opened.type, size: opened.size };
        }""",
        [b64u_encode(sealed), d, b64u_encode(public), TENDER],
    )
    assert b64u_decode(opened["data"]) == data
    assert (opened["name"], opened["type"], opened["size"]) == (
        "harga.xlsx",
        "application/vnd.ms-excel",
        size,
    )


def test_the_browser_refuses_what_python_refuses(sealing_page: Page) -> None:
    """A flipped bit in a record, a cut at a record boundary, changed header bytes, another
    tender key, another expected slot, and no sealed file at all: the browser refuses each
    with the code the Python side uses."""
    private_key, public, d = tender_key()
    _, other_public, other_d = tender_key()
    sealed = python_seal(bytes(3 * RECORD), slot="penawaran", public=public, rs=RECORD)
    preamble = len(sealed) - 3 * (RECORD + 16)
    flipped = bytearray(sealed)
    flipped[preamble + RECORD + 20] ^= 1
    # The same header with a space before its closing brace: the same fields, other bytes.
    hlen = int.from_bytes(sealed[8:12], "big")
    header_changed = (
        sealed[:8]
        + (hlen + 1).to_bytes(4, "big")
        + sealed[12 : preamble - 1]
        + b" }"
        + sealed[preamble:]
    )
    cases = {
        "record_failed": (bytes(flipped), d, public, {}),
        "truncated_or_failed": (sealed[: preamble + 2 * (RECORD + 16)], d, public, {}),
        "header": (header_changed, d, public, {}),
        "wrong_key": (sealed, other_d, other_public, {}),
        "wrong_slot": (sealed, d, public, {"expectSlot": "file2"}),
        "bad_magic": (b"%PDF-1.7" + sealed[8:], d, public, {}),
    }
    codes = sealing_page.evaluate(
        """async (cases) => {
          const codes = {};
          for (const [name, [sealed, d, pub, options]] of Object.entries(cases)) {
            const key = await S.privateKey(d, pub);
            codes[name] = await S.failure(
              S.format.openSealed(new Blob([S.bytes(sealed)]), key, options));
          }
          return codes;
        }""",
        {name: [b64u_encode(s), k, b64u_encode(p), o] for name, (s, k, p, o) in cases.items()},
    )
    assert codes == {
        "record_failed": "record_failed",
        "truncated_or_failed": "record_failed",  # its last record was not sealed as the last
        "header": "record_failed",  # the header's bytes are every record's associated data
        "wrong_key": "wrong_key",
        "wrong_slot": "wrong_slot",
        "bad_magic": "bad_magic",
    }


def test_a_seal_that_would_not_open_is_never_returned(sealing_page: Page) -> None:
    """The self-check reads the original again and compares it with what the seal opens
    to: a file whose bytes change between the two reads (as a file edited while it is
    sealed) makes sealFile throw "self_check_failed" instead of returning a blob."""
    _, public, _ = tender_key()
    code = sealing_page.evaluate(
        """async (pub) => {
          let reads = 0;
          class Shifty extends Blob {
            slice(start, end) {
              reads += 1;
              const part = new Uint8Array(Math.max(0, Math.min(end, this.size) - start));
              part.fill(reads > 3 ? 1 : 0);  // three records sealed, then other bytes
              return new Blob([part]);
            }
          }
          const file = new Shifty([new Uint8Array(3 * 1024)]);
          return S.failure(S.format.sealFile(file, {
            tender: "1", slot: "penawaran", tenderPublicRaw: S.bytes(pub), recordSize: 1024 }));
        }""",
        b64u_encode(public),
    )
    assert code == "self_check_failed"


def test_shamir_shares_combine_across_implementations(sealing_page: Page) -> None:
    """Shares split by the vendored shamir-secret-sharing combine in Python from any 3 of
    5 to the secret, and Python's shares combine in the browser from any 2 of 3; fewer
    than k do not give the secret."""
    secret = hashlib.sha256(b"tender key").digest()
    browser_shares = sealing_page.evaluate(
        """async (secret) => (await S.shamir.split(S.bytes(secret), 5, 3)).map(S.text)""",
        b64u_encode(secret),
    )
    shares = [b64u_decode(s) for s in browser_shares]
    assert all(len(s) == 33 for s in shares)
    for subset in itertools.combinations(shares, 3):
        assert shamir.combine(list(subset)) == secret
    assert shamir.combine(shares[:2]) != secret

    python_shares = [b64u_encode(s) for s in shamir.split(secret, 3, 2)]
    subsets = [list(s) for s in itertools.combinations(python_shares, 2)] + [python_shares[:1]]
    combined = sealing_page.evaluate(
        """async (subsets) => {
          const out = [];
          for (const subset of subsets) {
            try { out.push(S.text(await S.shamir.combine(subset.map(S.bytes)))); }
            catch (error) { out.push("refused"); }
          }
          return out;
        }""",
        subsets,
    )
    assert combined[:3] == [b64u_encode(secret)] * 3
    assert combined[3] != b64u_encode(secret)


def browser_opening_keys(page: Page, passphrases: list[str]) -> list[dict]:
    return page.evaluate(
        """async (passphrases) => {
          const keys = [];
          for (const [i, passphrase] of passphrases.entries()) {
            const key = await S.openingKey.createOpeningKey(
              passphrase, { portal: "lpse-uji", username: `pokja${i}` });
            keys.push({ publicRaw: S.text(key.publicRaw), fingerprint: key.fingerprint,
                        keyFile: key.keyFile });
          }
          return keys;
        }""",
        passphrases,
    )


def test_browser_ceremony_opens_with_python(sealing_page: Page) -> None:
    """Opening keys made in the browser load in Python; a two-envelope ceremony run in the
    browser (2 of 3) gives shares that Python unwraps with those keys and that any two
    rebuild into each envelope's tender private key; one share does not; a share does not
    unwrap for the other envelope; a wrong passphrase is refused in Python."""
    passphrases = ["kata sandi satu", "kata sandi dua", "kata sandi tiga"]
    members = browser_opening_keys(sealing_page, passphrases)
    for member in members:
        assert member["keyFile"]["kdf"]["iterations"] == 600_000
        assert member["keyFile"]["fingerprint"] == fingerprint(b64u_decode(member["publicRaw"]))
    keys = sealing_page.evaluate(
        """async ([members, tender]) => {
          const made = await S.ceremony.makeTenderKeys({ tender, envelopes: [1, 2], threshold: 2,
            members: members.map((m) => ({ fingerprint: m.fingerprint, publicRaw: m.publicRaw })),
          });
          return made.map((k) => ({ envelope: k.envelope, publicRaw: S.text(k.publicRaw),
                                    fingerprint: k.fingerprint, shares: k.shares }));
        }""",
        [members, TENDER],
    )
    assert [k["envelope"] for k in keys] == [1, 2]
    private_keys = [
        opening_key.load_opening_key_file(m["keyFile"], p)
        for m, p in zip(members, passphrases, strict=True)
    ]
    for key in keys:
        expected = b64u_decode(key["publicRaw"])
        assert key["fingerprint"] == fingerprint(expected)
        assert [s["fingerprint"] for s in key["shares"]] == [m["fingerprint"] for m in members]
        plain = [
            tender_keys.unwrap_share(
                member_key,
                b64u_decode(share["epk"]),
                b64u_decode(share["ciphertext"]),
                tender=TENDER,
                envelope=key["envelope"],
            )
            for member_key, share in zip(private_keys, key["shares"], strict=True)
        ]
        for subset in itertools.combinations(plain, 2):
            rebuilt = tender_keys.reconstruct(list(subset), expected_public_raw=expected)
            assert public_raw(rebuilt) == expected
        with pytest.raises(SealError):
            tender_keys.reconstruct(plain[:1], expected_public_raw=expected)

    share = keys[0]["shares"][0]
    with pytest.raises(SealError) as wrong_envelope:
        tender_keys.unwrap_share(
            private_keys[0],
            b64u_decode(share["epk"]),
            b64u_decode(share["ciphertext"]),
            tender=TENDER,
            envelope=2,
        )
    assert wrong_envelope.value.code == "unwrap_failed"
    with pytest.raises(SealError) as wrong_passphrase:
        opening_key.load_opening_key_file(members[0]["keyFile"], "kata sandi salah")
    assert wrong_passphrase.value.code == "bad_passphrase"


def test_ceremony_with_a_threshold_of_one_gives_each_member_the_key(sealing_page: Page) -> None:
    """With a threshold of 1 (a Pejabat Pengadaan alone) the member's share is d itself,
    and Python rebuilds the tender key from it."""
    members = browser_opening_keys(sealing_page, ["satu-satunya"])
    key = sealing_page.evaluate(
        """async ([members, tender]) => {
          const [made] = await S.ceremony.makeTenderKeys({ tender, envelopes: [1], threshold: 1,
            members: members.map((m) => ({ fingerprint: m.fingerprint, publicRaw: m.publicRaw })),
          });
          return { publicRaw: S.text(made.publicRaw), share: made.shares[0] };
        }""",
        [members, TENDER],
    )
    member_key = opening_key.load_opening_key_file(members[0]["keyFile"], "satu-satunya")
    share = tender_keys.unwrap_share(
        member_key,
        b64u_decode(key["share"]["epk"]),
        b64u_decode(key["share"]["ciphertext"]),
        tender=TENDER,
        envelope=1,
    )
    assert len(share) == 32
    rebuilt = tender_keys.reconstruct([share], expected_public_raw=b64u_decode(key["publicRaw"]))
    assert public_raw(rebuilt) == b64u_decode(key["publicRaw"])


def test_python_key_file_loads_in_the_browser_and_opens_its_share(sealing_page: Page) -> None:
    """An opening key file made in Python loads in the browser with the passphrase (typed
    in NFD as well as NFC) and decrypts a share Python wrapped for it; a wrong passphrase,
    a weakened KDF and something that is not a key file are refused with clear codes."""
    passphrase = "Pokja café 2026"
    key_file, private_key = opening_key.make_opening_key_file(
        passphrase, portal="lpse-uji", username="pokja1"
    )
    member_raw = public_raw(private_key)
    share = bytes(range(33))
    epk, ct = tender_keys.wrap_share(member_raw, share, tender=TENDER, envelope=2)
    weak = dict(key_file, kdf=dict(key_file["kdf"], iterations=100_000))
    result = sealing_page.evaluate(
        """async ([keyFile, nfc, nfd, weak, epk, ct, tender]) => {
          const loaded = await S.openingKey.loadOpeningKey(JSON.stringify(keyFile), nfc);
          const again = await S.openingKey.loadOpeningKey(keyFile, nfd);
          const share = await S.shares.decryptShare(again, { epk, ciphertext: ct },
            { tender, envelope: 2, fingerprint: loaded.fingerprint });
          return {
            fingerprint: loaded.fingerprint,
            share: S.text(share),
            otherEnvelope: await S.failure(S.shares.decryptShare(loaded, { epk, ciphertext: ct },
              { tender, envelope: 1, fingerprint: loaded.fingerprint })),
            wrong: await S.failure(S.openingKey.loadOpeningKey(keyFile, nfc + " ")),
            weak: await S.failure(S.openingKey.loadOpeningKey(weak, nfc)),
            notJson: await S.failure(S.openingKey.loadOpeningKey("bukan kunci", nfc)),
            notKey: await S.failure(S.openingKey.loadOpeningKey({ format: "x" }, nfc)),
          };
        }""",
        [
            key_file,
            unicodedata.normalize("NFC", passphrase),
            unicodedata.normalize("NFD", passphrase),
            weak,
            b64u_encode(epk),
            b64u_encode(ct),
            TENDER,
        ],
    )
    assert result == {
        "fingerprint": fingerprint(member_raw),
        "share": b64u_encode(share),
        "otherEnvelope": "unwrap_failed",
        "wrong": "bad_passphrase",
        "weak": "weak_kdf",
        "notJson": "bad_key_file",
        "notKey": "bad_key_file",
    }


def test_bid_letter_bytes_are_identical(sealing_page: Page) -> None:
    """The browser's bid letter is byte for byte Python's, and both refuse the same bad
    values (a price with a leading zero or a decimal point, zero days)."""
    letters = sealing_page.evaluate(
        """async () => {
          const make = (tender, offerPrice, validityDays) => {
            try { return S.text(S.bidLetter.makeBidLetter({ tender, offerPrice, validityDays })); }
            catch (error) { return error.code; }
          };
          return [make("12345000", "1250000000", 60), make("7", "1", 1),
                  make("7", "0125", 60), make("7", "12.5", 60), make("7", "1", 0)];
        }"""
    )
    assert b64u_decode(letters[0]) == bid_letter.make_bid_letter("12345000", 1250000000, 60)
    assert b64u_decode(letters[0]) == (
        b'{"format":"inaproc-bid-letter-1","tender":"12345000",'
        b'"offer_price":"1250000000","validity_days":60}'
    )
    assert b64u_decode(letters[1]) == bid_letter.make_bid_letter("7", 1, 1)
    assert letters[2:] == ["bad_letter"] * 3
    with pytest.raises(SealError):
        bid_letter.make_bid_letter("7", 1, 0)


class FakeTusServer:
    """Just enough of tus 1.0 (core + creation) at http://sealing.localhost/tus/, answered
    by Playwright: it records what the client sent, and can drop chosen PATCH requests."""

    def __init__(self) -> None:
        self.created: list[dict[str, str]] = []
        self.data = bytearray()
        self.length = 0
        self.patches = 0
        self.drop: set[int] = set()  # numbers (from 1) of the PATCH requests to drop

    def handle(self, route: Route) -> None:
        request = route.request
        tus = {"Tus-Resumable": "1.0.0", "Cache-Control": "no-store"}
        if request.method == "POST":
            self.created.append(request.headers)
            self.length = int(request.headers["upload-length"])
            tus["Location"] = f"{ORIGIN}/tus/upload-1"
            route.fulfill(status=201, headers=tus)
        elif request.method == "HEAD":
            tus.update({"Upload-Offset": str(len(self.data)), "Upload-Length": str(self.length)})
            route.fulfill(status=200, headers=tus)
        elif request.method == "PATCH":
            self.patches += 1
            if self.patches in self.drop:
                route.abort("connectionreset")
                return
            if int(request.headers["upload-offset"]) != len(self.data):
                route.fulfill(status=409, headers=tus)
                return
            self.data += request.post_data_buffer or b""
            tus["Upload-Offset"] = str(len(self.data))
            route.fulfill(status=204, headers=tus)
        else:
            route.fulfill(status=405, headers=tus)


UPLOAD = """async ([sealed, sha256, retryDelays]) => {
  const upload = await import("/static/js/sealing/upload.js");
  const progress = [];
  try {
    const url = await upload.uploadSealed(new Blob([S.bytes(sealed)]), {
      endpoint: "/tus/", sha256, chunkSize: 1024, retryDelays, csrfToken: "jeton",
      metadata: { tender: "12345000", slot: "penawaran", sha256 },
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    return { url, last: progress[progress.length - 1] };
  } catch (error) {
    return { error: error.code };
  }
}"""


def test_sealed_file_uploads_in_chunks_and_resumes_after_a_reload(sealing_page: Page) -> None:
    """uploadSealed sends the sealed bytes with tus in chunks, with the CSRF token and the
    metadata; a dropped chunk is retried; when the connection fails for good the upload
    reports "upload_failed", and the same sealed file uploaded again from a new page (a
    reload) continues where the server stopped instead of creating a second upload."""
    server = FakeTusServer()
    context = sealing_page.context
    context.route(f"{ORIGIN}/tus/**", server.handle)
    sealed = bytes(range(256)) * 16  # 4 KiB: four chunks
    sha256 = hashlib.sha256(sealed).hexdigest()
    server.drop = {2, 4, 5}  # chunk 2 retried once; chunk 3 then fails with no retries left
    try:
        first = sealing_page.evaluate(UPLOAD, [b64u_encode(sealed), sha256, [0]])
        assert first == {"error": "upload_failed"}
        assert len(server.data) == 2048

        reloaded = context.new_page()
        reloaded.goto(f"{ORIGIN}/")
        reloaded.evaluate(HARNESS)
        second = reloaded.evaluate(UPLOAD, [b64u_encode(sealed), sha256, [0]])
        reloaded.close()
    finally:
        context.unroute(f"{ORIGIN}/tus/**")

    assert second == {"url": f"{ORIGIN}/tus/upload-1", "last": [4096, 4096]}
    assert bytes(server.data) == sealed
    assert len(server.created) == 1
    headers = server.created[0]
    assert headers["x-csrftoken"] == "jeton"
    assert headers["upload-length"] == "4096"
    assert "sha256 " + base64.b64encode(sha256.encode()).decode() in headers["upload-metadata"]


VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "seal" / "vectors" / "format-v1.json").read_text("utf-8")
)


def test_the_committed_vectors_open_in_the_browser(sealing_page: Page) -> None:
    """The fixed vectors made by the Python side (tests/seal/vectors/format-v1.json) hold in
    the browser too: the ECIES vector unwraps, each sealed file opens to its bytes, name and
    type, the Shamir vectors combine, the member key file loads (NFC and NFD passphrase) and
    unwraps its share, two shares give the tender key, and the bid letter is the same."""
    result = sealing_page.evaluate(
        """async (v) => {
          const tenderKey = await S.privateKey(v.tender_d, v.tender_public);
          const ecies = S.text(await S.ecies.unwrap(
            tenderKey, v.ecies.epk, v.ecies.ciphertext, v.ecies.context));
          const files = [];
          for (const f of v.sealed_files) {
            const opened = await S.format.openSealed(new Blob([S.bytes(f.sealed)]), tenderKey,
              { expectTender: v.tender, expectSlot: f.slot });
            files.push([await S.blobText(opened.blob), opened.name, opened.type]);
          }
          const combine = async (shares) => S.text(await S.shamir.combine(shares.map(S.bytes)));
          const loaded = [];
          for (const form of ["NFC", "NFD"]) {
            const key = await S.openingKey.loadOpeningKey(
              v.opening_key.file, v.opening_key.passphrase.normalize(form));
            const item = v.tender_shares_2_of_3[0];
            loaded.push(S.text(await S.shares.decryptShare(key, item,
              { tender: v.tender, envelope: 1, fingerprint: key.fingerprint })));
          }
          const shares = [];
          for (const item of v.tender_shares_2_of_3) {
            const member = await S.privateKey(item.member_d, item.member_public);
            shares.push(await S.ecies.unwrap(member, item.epk, item.ciphertext, item.context));
          }
          return {
            ecies, files, loaded,
            hand: await combine(v.shamir.hand.shares.slice(0, 2)),
            twoOfThree: await combine(v.shamir["2_of_3"].slice(1)),
            threeOfFive: await combine(v.shamir["3_of_5"].slice(2)),
            shares: shares.map(S.text),
            tenderD: S.text(await S.shamir.combine(shares.slice(1))),
            letter: S.text(S.bidLetter.makeBidLetter(
              { tender: v.tender, offerPrice: "1250000000", validityDays: 60 })),
          };
        }""",
        VECTORS,
    )
    v = VECTORS
    assert result["ecies"] == v["ecies"]["plaintext"]
    assert result["files"] == [[f["plaintext"], f["name"], f["type"]] for f in v["sealed_files"]]
    assert result["loaded"] == [v["tender_shares_2_of_3"][0]["share"]] * 2
    assert result["hand"] == v["shamir"]["hand"]["secret"]
    assert result["twoOfThree"] == result["threeOfFive"] == v["shamir"]["secret"]
    assert result["shares"] == [item["share"] for item in v["tender_shares_2_of_3"]]
    assert result["tenderD"] == v["tender_d"]
    assert result["letter"] == v["bid_letter"]


def with_header(sealed: bytes, header: bytes) -> bytes:
    """The sealed file with another header (and hlen), records unchanged."""
    hlen = int.from_bytes(sealed[8:12], "big")
    return sealed[:8] + len(header).to_bytes(4, "big") + header + sealed[12 + hlen :]


def test_the_browser_reads_headers_as_strictly_as_python(sealing_page: Page) -> None:
    """Headers Python refuses the browser refuses too (a field twice, a record size written
    1024.0, a field missing, non-canonical base64url, a wrong-length wrapped key), and a
    tag-only record after full ones is a cut file on both sides."""
    private_key, public, d = tender_key()
    sealed = python_seal(bytes(2 * RECORD), slot="penawaran", public=public, rs=RECORD)
    hlen = int.from_bytes(sealed[8:12], "big")
    header = sealed[12 : 12 + hlen]
    fields = json.loads(header)
    last_epk = fields["epk"][-1]  # 65 bytes: its last character carries 2 unused bits
    stray = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    cases = {
        "twice": with_header(sealed, header[:-1] + b',"v":1}'),
        "float": with_header(sealed, header.replace(b'"rs":1024', b'"rs":1024.0')),
        "missing": with_header(sealed, header.replace(b',"v":1', b"")),
        "stray_bits": with_header(
            sealed,
            header.replace(
                fields["epk"].encode(),
                (fields["epk"][:-1] + stray[stray.index(last_epk) ^ 1]).encode(),
            ),
        ),
        "short_wk": with_header(
            sealed, header.replace(fields["wk"].encode(), fields["wk"][:-4].encode())
        ),
        # the first record, then a tag-only "last" one instead of the second
        "tag_only": sealed[: len(sealed) - (RECORD + 16)] + bytes(16),
    }
    for name, bad in cases.items():
        with pytest.raises(SealError) as refused:
            open_stream(io.BytesIO(bad), io.BytesIO(), private_key=private_key)
        expected = "truncated" if name == "tag_only" else "bad_header"
        assert refused.value.code == expected, name
    codes = sealing_page.evaluate(
        """async ([cases, d, pub]) => {
          const key = await S.privateKey(d, pub);
          const codes = {};
          for (const [name, sealed] of Object.entries(cases)) {
            codes[name] = await S.failure(S.format.openSealed(new Blob([S.bytes(sealed)]), key));
          }
          return codes;
        }""",
        [{name: b64u_encode(bad) for name, bad in cases.items()}, d, b64u_encode(public)],
    )
    assert codes == {name: ("truncated" if name == "tag_only" else "bad_header") for name in cases}
