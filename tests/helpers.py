from unittest import mock

from django.core.management import call_command


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


def assert_indistinguishable(first, second, *, replace: dict[str, str] | None = None) -> None:
    """Two responses differ in nothing an observer could use: status, headers (names
    and values), cookie names and body, once per-response random tokens are masked and
    `replace` (e.g. the two submitted usernames, of equal length) is applied."""

    def body(response) -> str:
        text = mask_tokens(response.content.decode())
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        return text

    def headers(response) -> dict[str, str]:
        # `Expires` is "now" (never_cache): two responses a second apart differ in it,
        # and the time of an answer tells nothing about the account.
        values = dict(response.headers)
        if "Expires" in values:
            values["Expires"] = "<now>"
        return values

    assert first.status_code == second.status_code
    assert headers(first) == headers(second)
    assert sorted(first.cookies) == sorted(second.cookies)
    assert body(first) == body(second)


def force_login_session(client, user) -> None:
    """`client.force_login(user)` plus the session record that the login view writes
    (`session_open`), without which SessionTimeoutMiddleware signs the session out."""
    from inaproc.accounts.services.sessions import session_open
    from inaproc.core.http import ClientInfo

    client.force_login(user)
    session_open(
        user=user,
        session_key=client.session.session_key,
        client=ClientInfo("127.0.0.1", "", "", ""),
    )
