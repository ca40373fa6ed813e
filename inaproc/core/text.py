"""Small text helpers shared by views of several apps."""


def email_mask(address: str) -> str:
    """Enough of an address to recognise it, not to learn it: `bu***@example.id`."""
    local, _at, domain = address.rpartition("@")
    if not local:
        return "***"
    shown = local[:2] if len(local) > 3 else local[:1]
    return f"{shown}***@{domain}"
