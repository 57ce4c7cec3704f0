"""The scheduler's heartbeat: when this host's last tick finished.

``cchc-bot health`` (the container's HEALTHCHECK) runs as another process
in the same container; it reads the row of its own host name, so a replica
whose scheduler stopped is unhealthy even when another replica ticks.
Functions take an open session and never commit.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SchedulerState

PREFIX = "tick:last:"


def host_key(host: str | None = None) -> str:
    return PREFIX + (host or socket.gethostname())[:100]


async def record_tick(session: AsyncSession, now: datetime, host: str | None = None) -> None:
    key = host_key(host)
    row = await session.get(SchedulerState, key)
    value = {"at": now.astimezone(UTC).isoformat()}
    if row is None:
        session.add(SchedulerState(key=key, value=value, updated_at=now))
    else:
        row.value = value
        row.updated_at = now


async def last_tick(session: AsyncSession, host: str | None = None) -> datetime | None:
    row = await session.get(SchedulerState, host_key(host))
    if row is None or not row.value.get("at"):
        return None
    return datetime.fromisoformat(str(row.value["at"]))
