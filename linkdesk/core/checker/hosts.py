"""Fair hand-out of pages to the fetch workers, at most `per_host` requests at once per host.

Workers never wait on a busy host while another host has work: `PageQueue.get` skips hosts
whose slots are taken and hands out the next page of a free host, round-robin, so one site
with thousands of pages cannot hold up the others (and is never hit by more than two requests
at once). A redirect to another host takes a slot of that host (`HostSlots.acquire`).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class Page:
    """One source page to fetch, and the links (id, target URL, placeholder) it should hold."""

    url: str
    host: str
    links: list[tuple[int, str, bool]]


class HostSlots:
    """Counts requests in flight per host; single-threaded (one asyncio loop)."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._active: defaultdict[str, int] = defaultdict(int)
        self._released = asyncio.Event()

    def try_take(self, host: str) -> bool:
        """Take a slot of `host` if one is free."""
        if self._active[host] >= self.per_host:
            return False
        self._active[host] += 1
        return True

    async def acquire(self, host: str) -> None:
        """Wait for a free slot of `host` and take it."""
        while not self.try_take(host):
            await self.wait_for_release()

    async def wait_for_release(self) -> None:
        """Wait until some request ends (or `wake` is called)."""
        self._released.clear()
        await self._released.wait()

    def wake(self) -> None:
        """Wake every waiter, e.g. to let them see that the check was cancelled."""
        self._released.set()

    def release(self, host: str) -> None:
        """Give a slot back and wake whoever waits for one."""
        left = self._active[host] - 1
        if left:
            self._active[host] = left
        else:
            del self._active[host]  # keeps the dict small over many thousands of hosts
        self._released.set()


class PageQueue:
    """The pages still to fetch, grouped by host and handed out round-robin over free hosts."""

    def __init__(self, pages: Iterable[Page], slots: HostSlots) -> None:
        self._slots = slots
        self._pending: dict[str, deque[Page]] = {}
        for page in pages:
            self._pending.setdefault(page.host, deque()).append(page)
        self._ready: deque[str] = deque(self._pending)

    def close(self) -> None:
        """Hand out nothing more (cancel): waiting workers get None."""
        self._ready.clear()
        self._slots.wake()

    async def get(self) -> Page | None:
        """The next page with its host's slot taken, or None when there is nothing left."""
        while self._ready:
            for _ in range(len(self._ready)):
                host = self._ready.popleft()
                if self._slots.try_take(host):
                    pages = self._pending[host]
                    page = pages.popleft()
                    if pages:
                        self._ready.append(host)
                    else:
                        del self._pending[host]
                    return page
                self._ready.append(host)
            # Every host with pages left is busy: wait until a request ends somewhere.
            await self._slots.wait_for_release()
        return None
