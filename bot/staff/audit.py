"""The audit log of staff actions (append-only): written in the action's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.staff import AuditEntry
from bot.privacy import mask_personal_text


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    now: datetime,
    target: str | None = None,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """`details` is free text staff typed (notes, replies): masked like a listing."""
    entry = AuditEntry(
        at=now,
        actor=actor[:64],
        action=action[:48],
        target=target[:128] if target else None,
        address=address[:64] if address else None,
        details={k: _masked(v) for k, v in details.items()} if details else None,
    )
    session.add(entry)
    return entry


def entries(
    *, session: Session, actor: str | None = None, action: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


def count(*, session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _masked(value: Any) -> Any:
    return mask_personal_text(value) if isinstance(value, str) else value
