"""Counting failures per key in a time window, to slow down guessing (sign-ins, codes)."""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import Connection, Table, delete, insert, select, text

from .clock import iso

#: the first half of the keys of PostgreSQL's advisory locks a throttle takes, one per key
#: counted (two-number keys: apart from the one-number locks held elsewhere)
_THROTTLE_LOCKS = 0x7468726F
_LOCK_KEY = text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:key AS integer))")


def throttle_key(kind: str, value: str) -> str:
    """Return the key failures of ``value`` are counted under (hashed: no addresses stored)."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}:{digest}"


#: the IPv6 network one client holds: a home or an office is given a whole /64 and may
#: take any address in it, so that counting each address apart would count nothing
CLIENT_PREFIX_V6 = 64


def client_network(address: str) -> str:
    """Return what an address's failures count under: an IPv6 address's /64, else itself.

    An IPv4 address written as IPv6 (``::ffff:10.1.2.3``, as a dual-stack server
    hands it) counts as the IPv4 address; anything that is no address, as given.
    """
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, CLIENT_PREFIX_V6), strict=False))
    return str(parsed)


def address_key(kind: str, address: str) -> str:
    """Return the key failures from ``address`` are counted under (its client's network)."""
    return throttle_key(kind, client_network(address))


def _lock_number(key: str) -> int:
    """Return the 32-bit number a key's lock is taken under (two keys may share one)."""
    return int.from_bytes(
        hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:4], "big", signed=True
    )


class Throttle:
    """Failures in a table of (key, at) rows: too many of a key in the window, and it waits."""

    def __init__(self, table: Table, window: timedelta) -> None:
        self.table = table
        self.window = window

    def retry_after(
        self,
        conn: Connection,
        limits: Mapping[str, int],
        moment: datetime,
        *,
        forget_old: bool = True,
    ) -> int:
        """Return the seconds until every key is under its limit again (0: go ahead).

        Failures older than the window are forgotten on the way, unless
        ``forget_old`` is false: then nothing is written (a read transaction).
        In a write the keys stay locked until it ends: a failure ``fail`` then
        counts is counted before any other attempt at these keys is checked.
        """
        table, since = self.table, iso(moment - self.window)
        if forget_old:
            self._lock(conn, limits)
            conn.execute(delete(table).where(table.c.key.in_(limits), table.c.at < since))
        failed: dict[str, list[str]] = {key: [] for key in limits}
        query = select(table.c.key, table.c.at).where(table.c.key.in_(limits), table.c.at >= since)
        for key, at in conn.execute(query.order_by(table.c.at)):
            failed[key].append(at)
        # A key is free again once enough of its failures have left the window.
        free_at = [
            datetime.fromisoformat(ats[len(ats) - limits[key]]) + self.window
            for key, ats in failed.items()
            if len(ats) >= limits[key]
        ]
        return math.ceil((max(free_at) - moment).total_seconds()) if free_at else 0

    @staticmethod
    def _lock(conn: Connection, keys: Iterable[str]) -> None:
        """Hold the keys until the transaction ends, so that attempts are counted one at a time.

        Otherwise, on PostgreSQL, attempts in flight together each count the
        failures committed before them, each find one under the limit and each
        add theirs: the limit is overshot by as many as were in flight.  (A
        SQLite writer holds the whole database already.)  Taken in one order,
        so that two attempts sharing keys wait for each other, never deadlock.
        """
        if conn.dialect.name == "postgresql":
            numbers = {_lock_number(key) for key in keys}
            for number in sorted(numbers):
                conn.execute(_LOCK_KEY, {"space": _THROTTLE_LOCKS, "key": number})

    def fail(self, conn: Connection, keys: Mapping[str, int], now: str) -> None:
        """Count one failure under each key."""
        conn.execute(insert(self.table), [{"key": key, "at": now} for key in keys])

    def forget(self, conn: Connection, key: str) -> None:
        """Forget a key's failures (it succeeded)."""
        conn.execute(delete(self.table).where(self.table.c.key == key))
