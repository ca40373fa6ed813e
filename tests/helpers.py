from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

# The marks of a module whose tests run calls at once in threads (`all_at_once`): each
# thread commits in its own connection, which SQLite's test database cannot serve.
POSTGRESQL_CONCURRENT = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
]


def run_task_worker() -> None:
    """Process every due task with the real `db_worker` command, as production does.

    The worker calls close_old_connections() between tasks, which closes a connection
    that is inside a transaction; in a test everything is inside the test's
    transaction, so that call is made a no-op here.
    """
    target = "django_tasks_db.management.commands.db_worker.close_old_connections"
    with mock.patch(target):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def captcha_answer(response) -> dict[str, str]:
    """The CAPTCHA fields of a rendered form, answered from django-simple-captcha's store
    (the test reads what the image shows, as a person would)."""
    import re

    from captcha.models import CaptchaStore

    match = re.search(r'name="captcha_0" value="(\w+)"', response.content.decode())
    if match is None:
        return {}
    key = match.group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def login_post(client, slug: str, username: str, password: str, **extra: str):
    """Log in through the real form: load the page, answer its CAPTCHA, submit."""
    page = client.get(f"/{slug}/masuk/")
    data = {"username": username, "password": password, **captcha_answer(page), **extra}
    return client.post(f"/{slug}/masuk/", data)


def mask_tokens(html: str) -> str:
    """A page with its per-response random values (CSRF token, CAPTCHA key) masked, so
    that two responses can be compared for everything else."""
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r"[0-9a-f]{40}", "<key>", html)


def run_tasks_until_idle(capture_on_commit) -> None:
    """Run the task worker until no task schedules another one, executing the on-commit
    callbacks that tasks register (e.g. an email queued by a task). Pass the
    `django_capture_on_commit_callbacks` fixture."""
    for _ in range(5):
        with capture_on_commit(execute=True) as callbacks:
            run_task_worker()
        if not callbacks:
            return


def comparable_headers(response) -> dict[str, str]:
    """The response's headers, with `Expires` (never_cache: "now") and `X-Request-ID`
    (random per request) masked: two responses a second apart differ in them, and neither
    tells anything about an account."""
    values = dict(response.headers)
    for name, mask in (("Expires", "<now>"), ("X-Request-ID", "<request id>")):
        if name in values:
            values[name] = mask
    return values


def assert_indistinguishable(first, second, *, replace: dict[str, str] | None = None) -> None:
    """Two responses differ in nothing an observer could use: status, headers (names
    and values), cookie names and body, once per-response random tokens are masked and
    `replace` (e.g. the two submitted usernames, of equal length) is applied."""

    def body(response) -> str:
        text = mask_tokens(response.content.decode())
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        return text

    assert first.status_code == second.status_code
    assert comparable_headers(first) == comparable_headers(second)
    assert sorted(first.cookies) == sorted(second.cookies)
    assert body(first) == body(second)


def signed_in(
    user,
    *,
    client=None,
    english: bool = False,
    second_factor: bool = True,
    checked: bool | None = None,
    login_form: bool = False,
    ip: str | None = None,
    user_agent: str | None = None,
    **client_options,
):
    """A test client signed in as `user`; returns the client (`session_of(client)` is
    its session record).

    By default as `client.force_login(user)` plus the session record that the login
    view writes (`session_open`), without which SessionTimeoutMiddleware signs the
    session out; like a real sign-in through the second step, an account whose role
    requires a second factor is given an authenticator app if it has none, and the
    session of an account with a factor is marked as checked just now (step-up is not
    asked for ten minutes).

    Options:
    - `client`: sign this client in (e.g. pytest's `client` fixture) instead of a new
      `Client(**client_options)` (e.g. `enforce_csrf_checks=True`);
    - `ip`, `user_agent`: the new client's REMOTE_ADDR and User-Agent;
    - `english`: the client asks for English pages with the language cookie (the
      `english` fixture instead switches every page and email);
    - `second_factor=False`: the account is left as it is and the session unchecked (a
      staff member without a factor is then sent to enrolment);
    - `checked`: mark the session's second factor as checked just now (True) or not
      (False) whatever the account has;
    - `login_form=True`: sign in through the real login form of the user's portal
      (username, DEFAULT_PASSWORD, CAPTCHA), which must succeed without a second step.
    """
    from django.conf import settings
    from django.test import Client

    from inaproc.accounts.services.factors import (
        has_second_factor,
        second_factor_mark,
        second_factor_required,
    )
    from inaproc.accounts.services.sessions import session_open
    from inaproc.core.context import ClientInfo
    from tests.factories import DEFAULT_PASSWORD, make_totp_device

    if client is None:
        if ip is not None:
            client_options["REMOTE_ADDR"] = ip
        if user_agent is not None:
            client_options["HTTP_USER_AGENT"] = user_agent
        client = Client(**client_options)
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if login_form:
        response = login_post(client, user.portal.slug, user.username, DEFAULT_PASSWORD)
        assert response.status_code == 302, response
        return client
    if second_factor and second_factor_required(user) and not has_second_factor(user):
        make_totp_device(user)
    client.force_login(user)
    user_session = session_open(
        user=user,
        session_key=client.session.session_key,
        client=ClientInfo("127.0.0.1", "", "", ""),
    )
    if checked is None:
        checked = second_factor and has_second_factor(user)
    if checked:
        second_factor_mark(user_session=user_session)
    return client


def session_of(client):
    """The session record (`UserSession`) of a signed-in test client."""
    from inaproc.accounts.models import UserSession

    return UserSession.objects.get(session_key=client.session.session_key)


def totp_code(device) -> str:
    """The code the authenticator app `device` shows now, as a person would type it.
    django-otp accepts each time step once; when this step's code was already used (two
    sign-ins within 30 seconds) this is the next step's code, which the ±1 step
    tolerance accepts, as a phone whose clock runs a little ahead would produce."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    ahead = max(0, device.last_t + 1 - totp.t())
    assert ahead <= device.tolerance, "every code within the tolerance was used already"
    totp.drift += ahead
    return f"{totp.token():0{device.digits}d}"


def second_step_post(client, slug: str, user, **extra: str):
    """The second step of signing in: post the current code of `user`'s authenticator
    app (after `login_post` was sent to it)."""
    from inaproc.accounts.services.factors import totp_device

    data = {"code": totp_code(totp_device(user)), **extra}
    return client.post(f"/{slug}/masuk/faktor-kedua/", data)


def login_with_second_factor(client, slug: str, user, password: str, **extra: str):
    """Log in through the real forms as a person with an authenticator app does:
    username, password and CAPTCHA, then the app's code. An account whose role requires
    a factor and has none is given one first. Returns the last response."""
    from inaproc.accounts.services.factors import has_second_factor, second_factor_required
    from tests.factories import make_totp_device

    if second_factor_required(user) and not has_second_factor(user):
        make_totp_device(user)
    response = login_post(client, slug, user.username, password, **extra)
    if response.status_code == 302 and response.headers["Location"] == (
        f"/{slug}/masuk/faktor-kedua/"
    ):
        return second_step_post(client, slug, user)
    return response


def all_at_once(calls, *, refusals: tuple[type[Exception], ...] = ()) -> list:
    """Each call in its own thread and database connection, released together (a
    barrier), for the tests of row locks on PostgreSQL (`POSTGRESQL_CONCURRENT`). Returns
    the results in the order of `calls`; an exception of one of the `refusals` types is
    returned, not raised."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    start = Barrier(len(calls))

    def run(call):
        start.wait()
        try:
            return call()
        except refusals as refusal:
            return refusal
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
