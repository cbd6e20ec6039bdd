"""The trainer's pages under /console/nlu/: the inbox with the model's suggestions, labelling
(entities marked by selecting text), validation, background training with its progress, the
comparison report with the baselines and the confusion matrix, promotion and rollback — the
same `bot.nlu.desk` and `bot.nlu.trainer` the command line uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from bot.console.deps import ResourcesDep, Viewer, posting, require
from bot.console.errors import PageNotFound
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.console.texts import ENGINE_DOWN
from bot.db.columns import utcnow
from bot.db.staff import StaffRole
from bot.errors import (
    AnnotationRefused,
    EngineUnavailable,
    InboxItemNotFound,
    ModelNotFound,
    PromotionRefused,
)
from bot.nlu.desk import DataPaths, TrainerDesk
from bot.nlu.gate import gate_reasons
from bot.nlu.trainer import ModelTrainer
from bot.nlu.training_data import read_domain
from bot.nlu.validate import project_findings
from bot.staff import audit

router = APIRouter()
ROLES = (StaffRole.TRAINER, StaffRole.ADMIN)
TrainerStaff = Annotated[Viewer, Depends(require(*ROLES))]
PostingTrainer = Annotated[Viewer, Depends(posting(*ROLES))]
NOTICES = {
    "labelled": "已加入训练数据。重新训练后生效。",
    "dismissed": "已忽略这条消息。",
    "training": "已开始在后台训练，小助手照常使用当前模型回答。",
    "promoted": "新模型已上线，进行中的会话不受影响。",
    "rolled_back": "已回退到上一个模型。",
}


def _desk(resources: ConsoleResources) -> TrainerDesk:
    settings = resources.settings
    return TrainerDesk(
        tracker_factory=resources.tracker_factory(),
        app_factory=resources.session_factory,
        secret=settings.conversation_id_secret,
        paths=DataPaths.from_settings(settings),
        threshold=settings.low_confidence,
    )


def _trainer(resources: ConsoleResources) -> ModelTrainer:
    return ModelTrainer(resources.settings, resources.session_factory)


def _audit(
    resources: ConsoleResources, viewer: Viewer, action: str, target: str, **details: Any
) -> None:
    with resources.session_factory.begin() as session:
        audit.record(
            session=session, actor=viewer.username, action=action, target=target,
            now=utcnow(), address=viewer.address, details=details or None,
        )  # fmt: skip


def _done(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


@router.get("/console/nlu/", response_class=HTMLResponse)
def inbox(request: Request, viewer: TrainerStaff, resources: ResourcesDep) -> HTMLResponse:
    items = _desk(resources).inbox(limit=100)
    return render(
        request, "nlu_inbox.html", viewer, items=items, notice=_done(request),
        threshold=resources.settings.low_confidence,
    )  # fmt: skip


def _annotate_page(
    request: Request, viewer: Viewer, resources: ConsoleResources, inbox_id: str, **extra: Any
) -> HTMLResponse:
    try:
        item = _desk(resources).item(inbox_id)
    except InboxItemNotFound as exc:
        raise PageNotFound(str(exc)) from exc
    domain = read_domain(resources.settings.engine_project_dir / "domain")
    return render(
        request, "nlu_annotate.html", viewer, item=item,
        intents=sorted(domain.intents), entities=sorted(domain.entities), **extra,
    )  # fmt: skip


@router.get("/console/nlu/inbox/{inbox_id}", response_class=HTMLResponse)
def annotate_form(
    request: Request, inbox_id: str, viewer: TrainerStaff, resources: ResourcesDep
) -> HTMLResponse:
    return _annotate_page(request, viewer, resources, inbox_id)


@router.post("/console/nlu/inbox/{inbox_id}", response_class=HTMLResponse)
def annotate(
    request: Request,
    inbox_id: str,
    viewer: PostingTrainer,
    resources: ResourcesDep,
    intent: Annotated[str, Form()] = "",
    intent_other: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "label",
) -> Response:
    desk = _desk(resources)
    try:
        if action == "dismiss":
            desk.dismiss(inbox_id, by=viewer.username)
            _audit(resources, viewer, "nlu.dismiss", inbox_id)
            return RedirectResponse("/console/nlu/?done=dismissed", status_code=303)
        intent = intent_other or intent  # "其他" overrides the suggestions
        added = desk.annotate(inbox_id, intent=intent, text=text or None, by=viewer.username)
    except InboxItemNotFound as exc:
        raise PageNotFound(str(exc)) from exc
    except AnnotationRefused as exc:
        return _annotate_page(
            request,
            viewer,
            resources,
            inbox_id,
            error=str(exc),
            status=409,
            draft=text,
            chosen=intent,
        )
    _audit(resources, viewer, "nlu.label", inbox_id, intent=intent, example=added.line)
    return RedirectResponse("/console/nlu/?done=labelled", status_code=303)


@router.get("/console/nlu/validate", response_class=HTMLResponse)
def validate(request: Request, viewer: TrainerStaff, resources: ResourcesDep) -> HTMLResponse:
    """The project's own checks (instant); Rasa's validator runs before every training."""
    settings = resources.settings
    findings = project_findings(
        nlu_dir=settings.nlu_data_dir,
        domain_dir=settings.engine_project_dir / "domain",
        rules_dir=settings.engine_project_dir / "data",
        code_dirs=[settings.home / "actions", settings.home / "bot"],
        heldout=settings.heldout_file,
        vocabulary=resources.vocabulary,
    )
    return render(request, "nlu_validate.html", viewer, findings=findings)


def _models_context(resources: ConsoleResources) -> dict[str, Any]:
    trainer = _trainer(resources)
    trainer.adopt_setup_model()
    return {"models": trainer.models(), "serving": trainer.serving()}


@router.get("/console/nlu/models", response_class=HTMLResponse)
def models(request: Request, viewer: TrainerStaff, resources: ResourcesDep) -> HTMLResponse:
    return render(
        request, "nlu_models.html", viewer, notice=_done(request), **_models_context(resources)
    )


@router.get("/console/nlu/models/progress", response_class=HTMLResponse)
def progress(request: Request, viewer: TrainerStaff, resources: ResourcesDep) -> HTMLResponse:
    """The models table alone, polled by the page while a candidate trains."""
    return render(request, "_nlu_models_table.html", viewer, **_models_context(resources))


@router.post("/console/nlu/models/train", response_class=HTMLResponse)
def train(request: Request, viewer: PostingTrainer, resources: ResourcesDep) -> Response:
    model = _trainer(resources).start_training(by=viewer.username)
    _audit(resources, viewer, "nlu.train", model.id)
    return RedirectResponse("/console/nlu/models?done=training", status_code=303)


def _report_page(
    request: Request,
    viewer: Viewer,
    resources: ConsoleResources,
    model_id: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    trainer = _trainer(resources)
    try:
        model = trainer.model(model_id)
    except ModelNotFound as exc:
        raise PageNotFound(str(exc)) from exc
    shown = trainer.report(model_id)
    serving = trainer.serving()
    serving_report = trainer.report(serving) if serving and serving != model_id else None
    reasons = gate_reasons(shown, serving_report, trainer.policy) if shown else []
    return render(
        request, "nlu_model.html", viewer, status=status, model=model, report=shown,
        serving=serving, serving_report=serving_report, reasons=reasons, notice=_done(request),
        error=error,
    )  # fmt: skip


@router.get("/console/nlu/models/{model_id}", response_class=HTMLResponse)
def report(
    request: Request, model_id: str, viewer: TrainerStaff, resources: ResourcesDep
) -> HTMLResponse:
    return _report_page(request, viewer, resources, model_id)


@router.get("/console/nlu/models/{model_id}/confusion.png")
def confusion(model_id: str, viewer: TrainerStaff, resources: ResourcesDep) -> Response:
    path = _trainer(resources).work_dir(model_id) / "confusion.png"
    if not path.is_file():
        raise PageNotFound("这个模型还没有评估结果。")
    return FileResponse(path, media_type="image/png")


@router.post("/console/nlu/models/{model_id}/promote", response_class=HTMLResponse)
def promote(
    request: Request, model_id: str, viewer: PostingTrainer, resources: ResourcesDep
) -> Response:
    try:
        _trainer(resources).promote(model_id, by=viewer.username)
    except ModelNotFound as exc:
        raise PageNotFound(str(exc)) from exc
    except PromotionRefused as exc:
        return _report_page(request, viewer, resources, model_id, error=str(exc), status=409)
    except EngineUnavailable:
        return _report_page(request, viewer, resources, model_id, error=ENGINE_DOWN, status=503)
    _audit(resources, viewer, "nlu.promote", model_id)
    return RedirectResponse(f"/console/nlu/models/{model_id}?done=promoted", status_code=303)


@router.post("/console/nlu/models/rollback", response_class=HTMLResponse)
def rollback(request: Request, viewer: PostingTrainer, resources: ResourcesDep) -> Response:
    try:
        model_id, _ = _trainer(resources).rollback(by=viewer.username)
    except PromotionRefused as exc:
        return render(
            request,
            "nlu_models.html",
            viewer,
            status=409,
            error=str(exc),
            **_models_context(resources),
        )
    except EngineUnavailable:
        return render(
            request,
            "nlu_models.html",
            viewer,
            status=503,
            error=ENGINE_DOWN,
            **_models_context(resources),
        )
    _audit(resources, viewer, "nlu.rollback", model_id)
    return RedirectResponse("/console/nlu/models?done=rolled_back", status_code=303)
