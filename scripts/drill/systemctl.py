#!/usr/bin/python3
"""A stand-in for systemctl inside the Debian drill's chroot, where no systemd runs.

It reads the unit files the drill wrote from docs/operations.md under
/etc/systemd/system and does what systemd would do with the keys those units use:
User/Group, WorkingDirectory, EnvironmentFile, Environment, RuntimeDirectory,
ExecStartPre, ExecStart (several for Type=oneshot), KillSignal, TimeoutStopSec, and no
ExecReload (reload refused, as systemd refuses it). `enable --now X.timer` checks the
timer and runs its service once at once (a timer's calendar is not waited for). nginx is
started, reloaded and stopped with its own signals; any other unit is only named.
"""

import contextlib
import grp
import os
import pwd
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

UNITS = Path("/etc/systemd/system")
STATE = Path("/run/drill-units")
LOGS = Path("/var/log/drill")


def say(message: str) -> None:
    print(f"[systemctl shim] {message}", file=sys.stderr, flush=True)


def unit_file(name: str) -> Path:
    if "." not in name:
        name += ".service"
    return UNITS / name


def parse(path: Path) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;[" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def env_file(path: str) -> dict[str, str]:
    """systemd's EnvironmentFile=: KEY=VALUE lines, one pair of quotes removed."""
    values = {}
    for raw in Path(path.lstrip("-")).read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1].replace('\\"', '"') if value[0] == '"' else value[1:-1]
        values[key.strip()] = value
    return values


def environment(keys: dict[str, list[str]]) -> dict[str, str]:
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    env["LANG"] = "C.UTF-8"
    for item in keys.get("Environment", []):
        for pair in shlex.split(item):
            key, value = pair.split("=", 1)
            env[key] = value
    for path in keys.get("EnvironmentFile", []):
        env.update(env_file(path))
    return env


def as_user(keys: dict[str, list[str]]):
    user = keys.get("User", ["root"])[-1]
    group = keys.get("Group", [user])[-1]
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid

    def demote() -> None:
        os.setsid()
        os.initgroups(user, gid)
        os.setgid(gid)
        os.setuid(uid)

    return demote, uid, gid


def command(line: str) -> list[str]:
    return shlex.split(line.lstrip("-@+!"))


def nginx_running() -> bool:
    """Debian's package leaves an empty /run/nginx.pid behind."""
    try:
        os.kill(int(Path("/run/nginx.pid").read_text().strip()), 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return False
    return True


def start(name: str) -> int:
    if name.startswith("nginx"):
        return 0 if nginx_running() else subprocess.call(["/usr/sbin/nginx"])  # noqa: S603
    path = unit_file(name)
    if path.suffix == ".timer":
        if not path.exists():
            say(f"Unit {path.name} not found.")
            return 5
        calendar = parse(path).get("OnCalendar", ["?"])
        say(f"{path.name} (OnCalendar={calendar[-1]}): deviation, its service runs once now")
        return start(path.with_suffix(".service").name)
    if not path.exists():
        say(f"{name}: not a unit of the drill, nothing done")
        return 0
    keys = parse(path)
    demote, uid, gid = as_user(keys)
    env = environment(keys)
    cwd = keys.get("WorkingDirectory", ["/"])[-1]
    for directory in keys.get("RuntimeDirectory", []):
        runtime = Path("/run") / directory
        runtime.mkdir(mode=0o755, exist_ok=True)
        os.chown(runtime, uid, gid)
    for line in keys.get("ExecStartPre", []):
        # The commands are the unit's, written by the drill from the docs.
        if subprocess.call(command(line), env=env, cwd=cwd, preexec_fn=demote) != 0:  # noqa: S603
            say(f"{path.name}: ExecStartPre failed: {line}")
            return 1
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"{path.stem}.log", "ab")  # noqa: SIM115 - the service keeps it
    if keys.get("Type", ["simple"])[-1] == "oneshot":
        for line in keys.get("ExecStart", []):
            say(f"{path.name}: {line}")
            code = subprocess.call(command(line), env=env, cwd=cwd, preexec_fn=demote)  # noqa: S603
            if code != 0:
                say(f"{path.name}: failed (exit {code}): {line}")
                return 1
        return 0
    if running(path.stem):
        return 0
    STATE.mkdir(exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 - the unit's ExecStart
        command(keys["ExecStart"][-1]),
        env=env,
        cwd=cwd,
        preexec_fn=demote,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    (STATE / f"{path.stem}.pid").write_text(str(process.pid))
    time.sleep(3)
    if process.poll() is not None:
        say(f"{path.name}: exited at once (code {process.returncode}); see {log.name}")
        return 1
    say(f"{path.name}: started, pid {process.pid}, log {log.name}")
    return 0


def running(stem: str) -> int:
    pidfile = STATE / f"{stem}.pid"
    if not pidfile.exists():
        return 0
    pid = int(pidfile.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return 0
    return pid


def stop(name: str) -> int:
    if name.startswith("nginx"):
        return subprocess.call(["/usr/sbin/nginx", "-s", "quit"])  # noqa: S603 if nginx_running() else 0
    path = unit_file(name)
    pid = running(path.stem)
    if not pid:
        return 0
    keys = parse(path) if path.exists() else {}
    sig = getattr(signal, keys.get("KillSignal", ["SIGTERM"])[-1])
    timeout = float(keys.get("TimeoutStopSec", ["90"])[-1])
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        say(f"{path.name}: still running after {timeout:.0f} s, killed")
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # KillMode=mixed: what is left of the group
    (STATE / f"{path.stem}.pid").unlink(missing_ok=True)
    say(f"{path.name}: stopped")
    return 0


def reload(name: str) -> int:
    if name.startswith("nginx"):
        if not nginx_running():
            return start(name)
        return subprocess.call(["/usr/sbin/nginx", "-s", "reload"])  # noqa: S603
    path = unit_file(name)
    if path.exists() and "ExecReload" not in parse(path):
        say(f"Failed to reload {path.name}: Job type reload is not applicable for the unit.")
        return 1
    say(f"{name}: reload not emulated")
    return 1


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("-")]
    flags = [a for a in argv if a.startswith("-")]
    if not args:
        return 1
    verb, names = args[0], args[1:]
    if verb == "daemon-reload":
        return 0
    if verb == "list-timers":
        for path in sorted(UNITS.glob("inaproc-*.timer")):
            print(path.name, parse(path).get("OnCalendar", ["?"])[-1])
        return 0
    code = 0
    for name in names:
        if verb == "start" or (verb == "enable" and "--now" in flags):
            code |= start(name)
        elif verb == "enable":
            code |= 0 if unit_file(name).exists() or name.startswith("nginx") else 5
        elif verb == "stop":
            code |= stop(name)
        elif verb == "restart":
            code |= stop(name) or start(name)
        elif verb == "reload":
            code |= reload(name)
        elif verb in ("status", "is-active"):
            pid = running(unit_file(name).stem)
            print(f"{name}: {f'active, pid {pid}' if pid else 'inactive'}")
            code |= 0 if pid else 3
        else:
            say(f"{verb}: not emulated")
            code |= 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
