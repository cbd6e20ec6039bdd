"""The model registry on a real database: promotions push, rollbacks pop back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.db.nlu_trainer import PromotionAction
from bot.engine import model_registry as registry
from bot.errors import ModelNotFound

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def add(session: Session, model_id: str) -> None:
    registry.add_model(
        session, model_id=model_id, file=f"models/candidates/{model_id}.tar.gz",
        fingerprint="f" * 16, trained_by="王芳", now=NOW,
    )  # fmt: skip


def test_the_serving_model_follows_promotions_and_rollbacks(db_session: Session) -> None:
    for model_id in ("a", "b", "c"):
        add(db_session, model_id)
    assert registry.serving_id(db_session) is None
    for model_id in ("a", "b", "c"):
        registry.record_promotion(
            db_session, model_id=model_id, action=PromotionAction.PROMOTE, by="王芳", now=NOW
        )
    assert registry.serving_stack(db_session) == ["a", "b", "c"]
    registry.record_promotion(
        db_session, model_id="c", action=PromotionAction.ROLLBACK, by="王芳", now=NOW
    )
    assert registry.serving_id(db_session) == "b"
    registry.record_promotion(
        db_session, model_id="b", action=PromotionAction.ROLLBACK, by="王芳", now=NOW
    )
    assert registry.serving_id(db_session) == "a"
    assert [m.id for m in registry.list_models(db_session)] == ["c", "b", "a"]


def test_an_unknown_model_is_named_in_the_error(db_session: Session) -> None:
    with pytest.raises(ModelNotFound, match="'nope'"):
        registry.get_model(db_session, "nope")


def test_only_a_persons_promotion_counts_as_trainers_choosing(db_session: Session) -> None:
    add(db_session, "setup-1")
    registry.record_promotion(
        db_session, model_id="setup-1", action=PromotionAction.PROMOTE, by=registry.SETUP, now=NOW
    )
    assert not registry.trainers_have_promoted(db_session)
    add(db_session, "b")
    registry.record_promotion(
        db_session, model_id="b", action=PromotionAction.PROMOTE, by="王芳", now=NOW
    )
    assert registry.trainers_have_promoted(db_session)
