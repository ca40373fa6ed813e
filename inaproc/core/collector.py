"""Python's cyclic garbage collector, told to leave a web worker's long-lived objects
alone.

A serving process holds about 160,000 objects the collector tracks (modules, classes,
functions, settings, models, URL patterns, compiled templates), made once and kept
until the process ends. Every full collection walks all of them: 50–90 ms, several
times per thousand requests on the national search (docs/performance.md, "The
collector frozen"), on whichever request happens to be running; the younger
generations' collections walk what the older ones point into as well. `gc.freeze()`
moves every object tracked at that moment into a permanent generation that no
collection walks (they are still freed by reference counting; only a reference cycle
among them would wait for an unfreeze that never comes).

`freeze_when_warm` is connected to `request_started` by `config.wsgi`, so only a
serving process freezes (not tests, commands or the task worker). It collects, then
freezes, at the start of a worker's 1st, 10th, 100th and 1,000th request: the first
holds what the worker imported; the later ones what the first requests loaded lazily
(templates, translation catalogues, cached plans). At the start of a request the
previous one is over, so nothing of a request is frozen but the WSGI server's own
objects of the one starting; at most four such sets stay uncollectable if they hold a
cycle. The first collection walks everything once (~70 ms, in the worker's first
request); the later ones only what is not frozen yet."""

import gc
from typing import Any

FREEZE_AT_REQUESTS = frozenset({1, 10, 100, 1000})


class _Freezer:
    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, **_kwargs: Any) -> None:
        self.requests += 1
        if self.requests in FREEZE_AT_REQUESTS:
            gc.collect()
            gc.freeze()


freeze_when_warm = _Freezer()
