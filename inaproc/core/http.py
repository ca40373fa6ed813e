import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from inaproc.core.context import (
    USER_AGENT_MAX_LENGTH,
    AuditContext,
    ClientInfo,
    describe_user_agent,
)


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


def client_info(request: HttpRequest) -> ClientInfo:
    """Who is asking, as far as the request tells: for login activity and sessions."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH]
    browser, operating_system = describe_user_agent(user_agent)
    return ClientInfo(client_ip(request), user_agent, browser, operating_system)


def audit_context(request: HttpRequest) -> AuditContext:
    """The request's signed-in user (or None), address and User-Agent, for a service."""
    user = getattr(request, "user", None)
    return AuditContext(
        actor=user if user is not None and user.is_authenticated else None,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
    )


def retry_later(response: HttpResponse, seconds: int) -> HttpResponse:
    """With `seconds` to wait: the response becomes 429 Too Many Requests with
    Retry-After. With 0 it is left as it is."""
    if seconds:
        response.status_code = 429
        response["Retry-After"] = str(seconds)
    return response
