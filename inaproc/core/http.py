import ipaddress
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ua_parser import parse as parse_user_agent

USER_AGENT_MAX_LENGTH = 300


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind N trusted reverse proxies (TRUSTED_PROXY_COUNT),
    the Nth address from the right of X-Forwarded-For; otherwise the socket peer.

    Anything that is not an IP address (a forged header) gives None.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


class ClientInfo(NamedTuple):
    ip_address: str | None
    user_agent: str
    browser: str
    operating_system: str


def client_info(request: HttpRequest) -> ClientInfo:
    """Who is asking, as far as the request tells: for login activity and sessions."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH]
    browser, operating_system = describe_user_agent(user_agent)
    return ClientInfo(client_ip(request), user_agent, browser, operating_system)


def browser_label(browser: str, operating_system: str) -> str:
    """ "Firefox 120 / Windows 10" for emails and audit payloads; "" if both are unknown."""
    return " / ".join(filter(None, [browser, operating_system]))


@lru_cache(maxsize=512)
def describe_user_agent(user_agent: str) -> tuple[str, str]:
    """("Chrome 120", "Windows 10") from a User-Agent header; ("", "") if unknown."""
    if not user_agent:
        return "", ""
    result = parse_user_agent(user_agent[:USER_AGENT_MAX_LENGTH])
    browser = operating_system = ""
    if result.user_agent and result.user_agent.family != "Other":
        browser = " ".join(filter(None, [result.user_agent.family, result.user_agent.major]))
    if result.os and result.os.family != "Other":
        operating_system = " ".join(filter(None, [result.os.family, result.os.major]))
    return browser[:100], operating_system[:100]


def retry_later(response: HttpResponse, seconds: int) -> HttpResponse:
    """With `seconds` to wait: the response becomes 429 Too Many Requests with
    Retry-After. With 0 it is left as it is."""
    if seconds:
        response.status_code = 429
        response["Retry-After"] = str(seconds)
    return response
