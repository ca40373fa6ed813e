"""Requests per second and latency of the signed-in dashboards through gunicorn, beside
the bare Django view in the same run (issue 15, item 1: signed-in dashboards p99 under
200 ms at 64 connections).

    . .venv/bin/activate
    python benchmarks/dashboards/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/inaproc_dash_bench \\
        --redis-url redis://127.0.0.1:6379/14 --duration 20

The server, wrk and the table are benchmarks/public_pages/run.py's (gunicorn, sync
workers, production settings plus the bare view). The database (its name must contain
"bench", migrated) is filled by seed.py on the first run: a portal `dash` with hundreds
of tenders, vendors with participations, bids and login activity, registrations and
tickets waiting, and the staff who handle them. Each run opens a new session per person
(as a real sign-in leaves it, second factor checked); every request of a page carries
the session cookie of the next of its people (a wrk Lua script, each thread starting
elsewhere in the list), and anything but a 200 counts as an error (a page that sent the
visitor to the login form would otherwise look fast).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT / "benchmarks" / "public_pages"), str(HERE)]

from run import arguments, drive, prepare  # noqa: E402  (public_pages/run.py)
from seed_client import seed  # noqa: E402

# Each request: the session cookie of the next person of the page; responses other
# than 200 counted and printed by done() in the "Non-200 responses" line run.py reads.
LUA = """
local keys = {%(keys)s}
local threads = {}
local counter = 0
bad = 0

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
end

function request()
  counter = counter + 1
  -- wrk.format's headers replace wrk.headers (Host, the -H ones): start from those.
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Cookie"] = "%(cookie)s=" .. keys[(counter %% #keys) + 1]
  return wrk.format(nil, nil, headers)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("Non-200 responses: %%d\\n", total))
end
"""


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0]).parse_args()
    env = prepare(args)
    cookie, pages = seed(env)
    folder = Path(tempfile.mkdtemp(prefix="dashboards-bench-"))
    scripts = {}
    for index, (label, (_path, keys)) in enumerate(pages.items()):
        if keys:
            script = folder / f"page{index}.lua"
            quoted = ", ".join(f'"{key}"' for key in keys)
            script.write_text(LUA % {"keys": quoted, "cookie": cookie})
            scripts[label] = str(script)
    drive(args, env, {label: path for label, (path, _keys) in pages.items()}, scripts)


if __name__ == "__main__":
    main()
