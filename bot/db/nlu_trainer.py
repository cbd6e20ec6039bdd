"""ORM for the trainer loop: who labelled which inbox message, trained models, promotions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.columns import UtcDateTime, string_enum


class AnnotationAction(enum.StrEnum):
    ADDED = "added"  # the message became a training example
    DISMISSED = "dismissed"  # not worth training on (noise, personal data, nonsense)


class Annotation(Base):
    """One trainer decision on an inbox message; also the provenance of an added example."""

    __tablename__ = "nlu_annotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inbox_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[AnnotationAction] = mapped_column(string_enum(AnnotationAction, "action"))
    text: Mapped[str] = mapped_column(Text)  # plain text as the resident wrote it (masked)
    example: Mapped[str | None] = mapped_column(Text)  # the line written, with [x](entity)
    intent: Mapped[str | None] = mapped_column(String(64))
    file: Mapped[str | None] = mapped_column(String(128))  # relative to the project root
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ModelStatus(enum.StrEnum):
    TRAINING = "training"
    EVALUATING = "evaluating"
    READY = "ready"  # trained and evaluated: may be promoted if the gate allows
    FAILED = "failed"


class TrainedModel(Base):
    __tablename__ = "nlu_models"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    file: Mapped[str] = mapped_column(Text)  # the model archive, relative to the project root
    fingerprint: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    trained_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[ModelStatus] = mapped_column(string_enum(ModelStatus, "status"))
    progress: Mapped[str] = mapped_column(String(200), default="")
    intent_macro_f1: Mapped[float | None] = mapped_column(Float)
    report_file: Mapped[str | None] = mapped_column(Text)  # JSON report, relative to the root
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PromotionAction(enum.StrEnum):
    PROMOTE = "promote"
    ROLLBACK = "rollback"


class Promotion(Base):
    """Append-only: replaying the rows gives the stack of models that served (rollback pops)."""

    __tablename__ = "nlu_promotions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("nlu_models.id", ondelete="CASCADE"))
    action: Mapped[PromotionAction] = mapped_column(string_enum(PromotionAction, "action"))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
