"""SPSE's anti-forgery token for the public list requests (docs/spse-compat.md).

`GET /<slug>/lelang` hands out a token twice: in the cookie `SPSE_SESSION`, whose value
holds `___AT=<token>&`, and in the page as the text `d.authenticityToken = '<token>';`.
A script sends it back as the form field `authenticityToken`; the list endpoints compare
it with the cookie's (a double-submit check). The token grants nothing: the lists are
public; it only proves the request comes from someone who read the cookie.
"""

import re
import secrets

from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "SPSE_SESSION"
FIELD_NAME = "authenticityToken"
# 40 lowercase hexadecimal characters, as SPSE's.
_TOKEN = re.compile(r"^[0-9a-f]{40}$")
_IN_COOKIE = re.compile(r"___AT=([0-9a-f]{40})&")


def token_new() -> str:
    return secrets.token_hex(20)


def token_from_cookie(request: HttpRequest) -> str | None:
    """The token of the request's `SPSE_SESSION` cookie; None without a valid one."""
    match = _IN_COOKIE.search(request.COOKIES.get(COOKIE_NAME, ""))
    return match.group(1) if match else None


def token_matches(request: HttpRequest, sent: str) -> bool:
    expected = token_from_cookie(request)
    if expected is None or not _TOKEN.match(sent):
        return False
    return secrets.compare_digest(expected, sent)


def page_text(token: str) -> str:
    """The exact text readers find with a regular expression."""
    return f"d.authenticityToken = '{token}';"


def token_cookie_set(response: HttpResponse, *, token: str, path: str, secure: bool) -> None:
    """`SPSE_SESSION=___AT=<token>&` on the portal's path. The value is written as it is
    (RFC 6265 allows `=` and `&` in a cookie value): Python's cookie module would put it in
    double quotes, which SPSE never does."""
    value = f"___AT={token}&"
    response.set_cookie(COOKIE_NAME, value, path=path, secure=secure, httponly=True, samesite="Lax")
    response.cookies[COOKIE_NAME].set(COOKIE_NAME, value, value)
