"""The database schema of cchc-bot (SQLAlchemy 2 declarative models).

Design choices that matter to everyone reading the tables:

* Progress updates are append-only: a task's state is its latest update, the
  history is the audit trail. Both the ORM (see ``storage.guards``) and the
  database (triggers in the first migration) refuse UPDATE and DELETE.
* The reminder outbox carries a unique (recipient, subject, occasion) key, so
  the planner may run as often as it likes: a reminder is written once.
* Instants are stored timezone-aware (UTC); see :class:`UTCDateTime`.
* Enumerations are stored as short strings with CHECK constraints (portable
  between SQLite and PostgreSQL, readable in a SQL shell).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC.

    SQLite has no timezone type; without this, instants read back naive and
    comparisons with the (aware) clock fail or, worse, silently shift by 7 h.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    # ``datetime.combine(d.date(), d.time(), tz)`` is ``d.replace(tzinfo=tz)`` (fold
    # kept) at a fifth of the cost: ``replace`` parses its keywords on every call, and
    # the 07:30 tick converts ~15,000 instants (10,000 latest updates read, the
    # outbox rows' times written).

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return datetime.combine(value.date(), value.time())
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return datetime.combine(value.date(), value.time(), UTC)
        return value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class OrgKind(StrEnum):
    COMMUNE = "xa"
    WARD = "phuong"
    TOWNSHIP = "thi_tran"
    DISTRICT = "huyen"


class Role(StrEnum):
    ADMIN = "admin"  # plan keeper, Văn phòng - Thống kê
    CHAIRMAN = "chairman"
    VICE_CHAIRMAN = "vice_chairman"
    OFFICER = "officer"
    DISTRICT_VIEWER = "district_viewer"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # asked to join, waiting for the plan keeper
    DISABLED = "disabled"


class UnitRole(StrEnum):
    LEAD = "lead"
    COORDINATING = "coordinating"


class UpdateChannel(StrEnum):
    IMPORT = "import"
    COMMAND = "command"
    BUTTON = "button"
    REPLY = "reply"
    CLI = "cli"
    SYSTEM = "system"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up for good (e.g. recipient blocked the bot)
    CANCELLED = "cancelled"  # no longer needed (task done before delivery)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Organization(Base):
    """A People's Committee (xã/phường/thị trấn) or a district overseeing several."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind, "org_kind"), default=OrgKind.COMMUNE)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    language: Mapped[str] = mapped_column(String(8), default="vi")
    # Per-organization settings stored as JSON documents whose shape is owned
    # by the pure domain (plans.calendar.CalendarSettings,
    # plans.reminder_policy.ReminderPolicy); empty means "the defaults".
    calendar_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reminder_policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=_now)

    parent: Mapped[Organization | None] = relationship(remote_side=[id])
    units: Mapped[list[Unit]] = relationship(back_populates="organization")


class Unit(Base):
    """A bộ phận / đơn vị of an organization (Tư pháp - Hộ tịch, Văn phòng - Thống kê…)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organization_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=_now)

    organization: Mapped[Organization] = relationship(back_populates="units")
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitAlias(Base):
    """Another spelling of a unit's name, confirmed by the plan keeper."""

    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("organization_id", "alias_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    alias_key: Mapped[str] = mapped_column(String(200))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class Person(Base):
    """Someone the bot knows: officer, plan keeper, chairman or district viewer."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_org_role", "organization_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "person_role"), default=Role.OFFICER)
    status: Mapped[PersonStatus] = mapped_column(
        _enum(PersonStatus, "person_status"), default=PersonStatus.ACTIVE
    )
    language: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(32))  # from the staff roster, for Zalo
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    # Digest of the command catalogue when this person's chat menus were last set;
    # None = to set (new person, role or language changed). See handlers.menu.
    menu_version: Mapped[str | None] = mapped_column(String(16), index=True)

    units: Mapped[list[PersonUnit]] = relationship(cascade="all, delete-orphan")


def _menu_is_stale(target: Person, value: object, old: object, _initiator: object) -> None:
    """Another role or language means other menus: the next menu round sets them again."""
    if value != old:
        target.menu_version = None


event.listen(Person.role, "set", _menu_is_stale)
event.listen(Person.language, "set", _menu_is_stale)


class PersonUnit(Base):
    """An officer's membership of a unit (one person may serve several)."""

    __tablename__ = "person_units"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Invitation(Base):
    """A one-time, expiring code that turns a Telegram user into a known person."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    role: Mapped[Role] = mapped_column(_enum(Role, "invitation_role"))
    full_name: Mapped[str | None] = mapped_column(String(200))
    # set when the person is already on record (staff roster): redeeming claims that person
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]


class Chat(Base):
    """A Telegram chat the bot has seen (private or group) and its organization."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class Plan(Base):
    """One imported plan document (kế hoạch số …/KH-UBND)."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_org_year", "organization_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(64))
    issued_on: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(255))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    imported_at: Mapped[datetime] = mapped_column(default=_now)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    fields: Mapped[list[Field]] = relationship(back_populates="plan", order_by="Field.ordinal")


class Field(Base):
    """A lĩnh vực: the Roman-numbered section of the task table."""

    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="fields")


class TaskGroup(Base):
    """A criterion group of the plan ("2.1 Theo dõi thi hành pháp luật"): a heading, not a task.

    Tasks point at their group by ``Task.parent_code``; views print the group's
    title above them. Rewritten whole at each import of the plan.
    """

    __tablename__ = "task_groups"
    __table_args__ = (Index("ix_task_groups_plan", "plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)


class Task(Base):
    """A nhiệm vụ of the plan, with its deadline as written and as understood.

    ``number`` is the short per-plan number officers type ("/capnhat 12 80").
    ``due_date`` is the deadline as parsed from the plan; an approved
    extension sets ``extended_due_date`` and the original stays on record.
    ``milestones`` keeps every dated step when the deadline has several (or a
    recurring duty has dated ones), as ``plans.milestones`` writes them;
    NULL means ``due_date`` is the task's only milestone.
    """

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        Index("ix_tasks_due", "deadline_kind", "due_date"),
        Index("ix_tasks_field", "field_id"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    content_key: Mapped[str] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    monitoring_unit: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    lead_units_text: Mapped[str | None] = mapped_column(Text)
    coordinating_units_text: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str | None] = mapped_column(Text)
    deadline_kind: Mapped[str] = mapped_column(String(16), default="unknown")
    due_date: Mapped[date | None] = mapped_column(Date)
    extended_due_date: Mapped[date | None] = mapped_column(Date)
    milestones: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    # The paragraph(s) a task of a prose plan was read from (NULL for table rows).
    source_text: Mapped[str | None] = mapped_column(Text)
    # The plan gave no time: ``due_date`` is the plan year's end ("chưa ghi thời gian").
    deadline_assumed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)

    units: Mapped[list[TaskUnit]] = relationship(cascade="all, delete-orphan")

    @property
    def effective_due_date(self) -> date | None:
        return self.extended_due_date or self.due_date


class TaskUnit(Base):
    """Which unit leads (chủ trì) or coordinates (phối hợp) a task."""

    __tablename__ = "task_units"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[UnitRole] = mapped_column(_enum(UnitRole, "unit_role"), primary_key=True)


class ProgressUpdate(Base):
    """One report of progress on a task. Never changed, never deleted."""

    __tablename__ = "progress_updates"
    __table_args__ = (
        Index("ix_progress_task_time", "task_id", "created_at"),
        CheckConstraint(
            "percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    percent: Mapped[int | None] = mapped_column(SmallInteger)
    status_text: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[UpdateChannel] = mapped_column(_enum(UpdateChannel, "update_channel"))
    period_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=_now)

    attachments: Mapped[list[Attachment]] = relationship(back_populates="update")


class Attachment(Base):
    """Evidence attached to an update, kept as a Telegram file id (no copy of the bytes)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    file_size: Mapped[int | None] = mapped_column(BigInteger)

    update: Mapped[ProgressUpdate] = relationship(back_populates="attachments")


class Extension(Base):
    """A request to move a task's deadline, and the chairman's or admin's decision."""

    __tablename__ = "extensions"
    __table_args__ = (Index("ix_extensions_task_status", "task_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    requested_due: Mapped[date] = mapped_column(Date)
    previous_due: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(
        _enum(ExtensionStatus, "extension_status"), default=ExtensionStatus.PENDING
    )
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)


class OutboxMessage(Base):
    """A reminder (or other planned message) waiting for, or done with, delivery.

    The unique (recipient_key, subject, occasion) key is what makes planning
    idempotent; ``state`` and ``claimed_*`` are what make delivery safe with
    several dispatchers (rows are claimed, sent outside the transaction,
    then marked sent; a reaper returns rows stuck in "sending").
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("recipient_key", "subject", "occasion", name="uq_outbox_key"),
        Index("ix_outbox_state_due", "state", "due_at"),
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    recipient_key: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))
    occasion: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime]
    state: Mapped[OutboxState] = mapped_column(
        _enum(OutboxState, "outbox_state"), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=_now)


PLANNER_NEXT_KEY = "planner:next"  # the earliest instant any organization needs planning


class SchedulerState(Base):
    """Small key/value memory of the scheduler (last planned instant per organization).

    Deleting the ``PLANNER_NEXT_KEY`` row makes the next tick a full pass; any
    change to an organization's reminder policy or calendar does so.
    """

    __tablename__ = "scheduler_state"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)


class AuditLog(Base):
    """Every change a person made, with enough detail to answer "who did that?"."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_org_time", "organization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(64))  # "cli", "telegram:123", "system"
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class StoredDraft(Base):
    """Something a person said that waits for their answer (storage/drafts.py).

    A reading waiting for "Đúng", "the next file is evidence for task N", a
    plan upload waiting for "Xác nhận". Rows are never deleted: resolving one
    sets ``resolved_at`` and its outcome, so what a person typed stays on
    record. Until migration 0007 these were audit-log lines (their ids were
    kept, so a button sent before the upgrade still finds its draft).
    """

    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_person_kind", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[int | None] = mapped_column(Integer)  # no FK: a stale id reads as refused
    candidates: Mapped[list[int]] = mapped_column(JSON, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_details: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class DraftStep(Base):
    """One choice made on an open draft (a plan upload's name mapping), in order."""

    __tablename__ = "draft_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=_now)


# --------------------------------------------------------------------------- PAR INDEX
# Points are stored as integer thousandths ("81,863" → 81863): exact, portable
# between SQLite and PostgreSQL, and the documents never go finer than that.


class ParCriteriaSet(Base):
    """The PAR INDEX criteria of one organization for one year (bộ tiêu chí)."""

    __tablename__ = "par_criteria_sets"
    __table_args__ = (UniqueConstraint("organization_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class ParCriterion(Base):
    """A field (lĩnh vực), criterion (tiêu chí) or sub-criterion (tiêu chí thành phần)."""

    __tablename__ = "par_criteria"
    __table_args__ = (
        Index("ix_par_criteria_set_code", "set_id", "code"),
        CheckConstraint("level IN ('field', 'criterion', 'sub')", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("par_criteria_sets.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("par_criteria.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    survey: Mapped[bool] = mapped_column(Boolean, default=False)  # Nhóm II (SIPAS)
    ordinal: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    max_milli: Mapped[int | None] = mapped_column(Integer)


class ParScorecard(Base):
    """One year's result: total, rating (xếp loại), rank (vị thứ), from one document."""

    __tablename__ = "par_scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("par_criteria_sets.id", ondelete="CASCADE"), unique=True
    )
    total_milli: Mapped[int | None] = mapped_column(Integer)
    max_total_milli: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[str | None] = mapped_column(String(64))
    rank: Mapped[int | None] = mapped_column(Integer)
    rank_of: Mapped[int | None] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(16), default="prose")
    source_name: Mapped[str | None] = mapped_column(String(255))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(default=_now)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class ParScore(Base):
    """A criterion's points in a scorecard: self-assessed, appraised, lost and why."""

    __tablename__ = "par_scores"
    __table_args__ = (UniqueConstraint("scorecard_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("par_scorecards.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("par_criteria.id", ondelete="CASCADE"), index=True
    )
    self_milli: Mapped[int | None] = mapped_column(Integer)
    appraised_milli: Mapped[int | None] = mapped_column(Integer)
    lost_milli: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    evidence_text: Mapped[str | None] = mapped_column(Text)


class ParTaskCriterion(Base):
    """A task serves a criterion (many to many), by code: codes outlive a year's set.

    ``source`` says where the link came from: "text" ("(TCTP 3.2)" in the
    task), "code" (the plan's code column is a criterion code, as in an
    appendix whose rows are criteria) or "manual".
    """

    __tablename__ = "par_task_criteria"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    source: Mapped[str] = mapped_column(String(16), default="manual")


class ParEvidence(Base):
    """A tài liệu kiểm chứng for a criterion in a self-assessment year.

    Either a file sent in chat (kept by Telegram ``file_id``, no copy of the
    bytes) or a document reference typed by the officer ("Kế hoạch số
    15/KH-UBND ngày 14/02/2024"). Files attached to a task's progress
    update (the "Đính kèm" button) stay in ``attachments``; the evidence
    index reads both.
    """

    __tablename__ = "par_evidence"
    __table_args__ = (Index("ix_par_evidence_org_year_code", "organization_id", "year", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # "document" | "photo" | "reference"
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class ReportCycle(Base):
    """An organization's report calendar entries and when drafts go out (issue 14).

    ``kinds`` holds ``plans.report_kinds.ReportKind.to_dict()`` entries; no
    row (or an empty list) means the CCHC reports alone under the calendar.
    """

    __tablename__ = "report_cycles"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    draft_working_days: Mapped[int] = mapped_column(SmallInteger, default=3)
    kinds: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)


class ReportRecord(Base):
    """A report marked as sent: its number, date and who recorded it. Never edited silently.

    One per (organization, report kind, period); a correction replaces the
    number/date and keeps who changed it in the audit log.
    """

    __tablename__ = "report_records"
    __table_args__ = (UniqueConstraint("organization_id", "kind", "period_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    period_code: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64))
    sent_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=_now)
