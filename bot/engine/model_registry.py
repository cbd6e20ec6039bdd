"""The registry of trained models and of which one serves: data functions, the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.nlu_trainer import ModelStatus, Promotion, PromotionAction, TrainedModel
from bot.errors import ModelNotFound

SETUP = "setup"  # who registered the model set-up trained


def add_model(
    session: Session,
    *,
    model_id: str,
    file: str,
    fingerprint: str,
    trained_by: str,
    now: datetime,
    status: ModelStatus = ModelStatus.TRAINING,
) -> TrainedModel:
    model = TrainedModel(
        id=model_id,
        file=file,
        fingerprint=fingerprint,
        created_at=now,
        trained_by=trained_by,
        status=status,
        progress="queued" if status is ModelStatus.TRAINING else "",
        updated_at=now,
    )
    session.add(model)
    session.flush()
    return model


def get_model(session: Session, model_id: str) -> TrainedModel:
    model = session.get(TrainedModel, model_id)
    if model is None:
        raise ModelNotFound(f"no model {model_id!r}; see `jiamenkou models list`")
    return model


def list_models(session: Session) -> list[TrainedModel]:
    return list(
        session.scalars(
            select(TrainedModel).order_by(TrainedModel.created_at.desc(), TrainedModel.id.desc())
        )
    )


def serving_stack(session: Session) -> list[str]:
    """Replays the promotions: a promotion pushes a model, a rollback pops back to the one
    that served before; the top of the stack serves."""
    stack: list[str] = []
    for row in session.scalars(select(Promotion).order_by(Promotion.id)):
        if row.action is PromotionAction.PROMOTE:
            stack.append(row.model_id)
        elif stack:
            stack.pop()
    return stack


def trainers_have_promoted(session: Session) -> bool:
    """True once a person (not set-up's adoption) promoted or rolled back a model."""
    return session.scalar(select(Promotion.id).where(Promotion.by != SETUP).limit(1)) is not None


def serving_id(session: Session) -> str | None:
    stack = serving_stack(session)
    return stack[-1] if stack else None


def record_promotion(
    session: Session, *, model_id: str, action: PromotionAction, by: str, now: datetime
) -> Promotion:
    row = Promotion(model_id=model_id, action=action, by=by, at=now)
    session.add(row)
    session.flush()
    return row
