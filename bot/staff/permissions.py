"""Who may see and do what in the console, by role and grid. No HTTP here.

- staff: tickets of their grids (and act on them); handoffs and conversations of their grids.
- trainer: conversations of every grid (masked), tickets read-only; no ticket or handoff action.
- admin: everything, plus accounts, sites and the audit log.

A conversation has no grid of its own. It belongs to the grids of the tickets its resident
filed (the ticket's channel and user id are the conversation's sender). A conversation whose
resident waits for a person but has filed no ticket in any grid is on the shared desk: every
staff member sees it, so somebody can answer; and whoever holds (or held) a handoff keeps
seeing that conversation. A staff member of grid A never sees a conversation that only grid
B's tickets tie to a grid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.handoffs import OPEN_STATES, Handoff
from bot.db.staff import StaffAccount, StaffRole
from bot.db.tickets import Ticket

REST_CHANNEL = "rest"  # as actions/conversation.py files tickets of senders without a channel


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: StaffRole
    grids: tuple[str, ...] = ()

    @classmethod
    def of(cls, account: StaffAccount) -> StaffMember:
        return cls(account.username, account.role, tuple(account.grids or ()))

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN

    @property
    def sees_all_grids(self) -> bool:
        return self.role in (StaffRole.ADMIN, StaffRole.TRAINER)

    @property
    def may_act_on_tickets(self) -> bool:
        return self.role in (StaffRole.ADMIN, StaffRole.STAFF)

    @property
    def may_handle_handoffs(self) -> bool:
        return self.role in (StaffRole.ADMIN, StaffRole.STAFF)

    @property
    def sees_unmasked(self) -> bool:
        """Staff go to the resident and call back: they read the transcript as written.
        Trainers study the NLU and admins run the system: masked, as in the record."""
        return self.role is StaffRole.STAFF

    def may_see_ticket(self, ticket: Ticket) -> bool:
        return self.sees_all_grids or (ticket.grid is not None and ticket.grid in self.grids)

    def visible_grids(self, wanted: str | None) -> list[str] | None:
        """Grids a ticket query may cover: None means all; [] means none at all."""
        if self.sees_all_grids:
            return None if not wanted else [wanted]
        if wanted:
            return [wanted] if wanted in self.grids else []
        return list(self.grids)


def owner_of(sender_id: str) -> tuple[str, str]:
    """(channel, user id) of the tickets a sender files, as the report action stores them."""
    channel, sep, user = sender_id.partition(":")
    if not sep or not channel or not user:
        return REST_CHANNEL, sender_id
    return channel, user


def senders_of(channel: str, user_id: str) -> list[str]:
    """Sender ids whose tickets carry this channel and user id (inverse of `owner_of`)."""
    candidates = [f"{channel}:{user_id}"]
    if channel == REST_CHANNEL:
        candidates.append(user_id)
    return candidates


@dataclass
class ConversationScope:
    member: StaffMember
    grids_by_owner: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    shared: set[str] = field(default_factory=set)  # open handoffs no grid's ticket claims
    held: set[str] = field(default_factory=set)  # senders whose handoffs this member held

    def allows(self, sender_id: str) -> bool:
        if self.member.sees_all_grids:
            return True
        grids = self.grids_by_owner.get(owner_of(sender_id), set())
        if grids & set(self.member.grids):
            return True
        return sender_id in self.held or (sender_id in self.shared and not grids)


def conversation_scope(session: Session, member: StaffMember) -> ConversationScope:
    scope = ConversationScope(member)
    if member.sees_all_grids:
        return scope
    grids: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = session.execute(
        select(Ticket.channel, Ticket.channel_user_id, Ticket.grid)
        .where(Ticket.grid.is_not(None))
        .distinct()
    )
    for channel, user, grid in rows:
        if grid:
            grids[(channel, user)].add(grid)
    scope.grids_by_owner = dict(grids)
    scope.shared = set(
        session.scalars(select(Handoff.sender_id).where(Handoff.state.in_(OPEN_STATES)))
    )
    scope.held = set(
        session.scalars(select(Handoff.sender_id).where(Handoff.held_by == member.username))
    )
    return scope
