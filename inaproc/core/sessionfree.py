"""Views authorised by what each request carries, not by the session.

A view marked `session_free` is answered for an anonymous `request.user`: the
authentication middleware does not read the session, the user or the session record, and
no middleware after it does (they see nobody signed in). The view itself checks whatever
the request carries (e.g. a signed, short-lived capability, `bids.upload_capability`).
Used where a burst of requests must be cheap: the resumable bid uploads of a deadline."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

View = TypeVar("View", bound=Callable[..., Any])


def session_free(view: View) -> View:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapper.session_free = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def is_session_free(view: Callable[..., Any] | None) -> bool:
    return bool(getattr(view, "session_free", False))
