"""Who acts and from where, as plain values for services: the client of a request
(`ClientInfo`, for login activity and sessions) and the context of an audited change
(`AuditContext`). Views and flows build them from the request (core.http), so that
services never need the HttpRequest."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from ua_parser import parse as parse_user_agent

USER_AGENT_MAX_LENGTH = 300


class ClientInfo(NamedTuple):
    ip_address: str | None
    user_agent: str
    browser: str
    operating_system: str


@dataclass(frozen=True)
class AuditContext:
    """The acting user (None: the system or someone not signed in), and the address and
    User-Agent of the request that made the change."""

    actor: Any = None
    ip_address: str | None = None
    user_agent: str = ""

    @property
    def client(self) -> ClientInfo:
        browser, operating_system = describe_user_agent(self.user_agent)
        return ClientInfo(self.ip_address, self.user_agent, browser, operating_system)


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
