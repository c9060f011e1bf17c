# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The routes of /billing/v1. Each route is thin: it authenticates, takes the idempotency key and
calls one model method; the rules live in the models (ps.api.*)."""

import base64
import binascii
import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from odoo import _
from odoo.addons.fastapi.dependencies import odoo_env
from odoo.api import Environment
from odoo.exceptions import UserError

from ..problems import PROBLEM_MEDIA_TYPE, ApiProblem
from ..schemas import (
    NO_NUL,
    AcceptanceIn,
    AcceptanceOut,
    BatchResult,
    EngagementReadiness,
    EventPage,
    ExpenseBatchIn,
    Problem,
    TimesheetBatchIn,
)

GROUP_API_SYNC = "ps_billing_api.group_api_sync"
# A signature "in the future" beyond this skew between the platform's clock and ours is refused.
CLOCK_SKEW = timedelta(minutes=5)
# A sales order number: printable, one path segment (Odoo's router matches no control character).
REFERENCE = r"^[^\x00-\x1f\x7f/]+$"


def problem_response(problem, headers=None):
    return JSONResponse(problem.to_dict(), status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def validation_problem(exc):
    """Return the ApiProblem 422 of a request whose shape is wrong: one entry per error, with the
    index of the line it is about."""
    errors = []
    for error in exc.errors():
        loc = [part for part in error.get("loc", ()) if part != "body"]
        index = loc[1] if len(loc) > 1 and loc[0] == "lines" and isinstance(loc[1], int) else None
        errors.append(
            {
                "index": index,
                "source": None,
                "external_id": None,
                "code": error.get("type", "invalid"),
                "field": ".".join(str(part) for part in loc) or None,
                "detail": error.get("msg", "Invalid value"),
            }
        )
    return ApiProblem(422, "invalid-request", "Invalid request", "The request does not match the schema.", errors)


class ProblemRoute(APIRoute):
    """Answer refusals as problem details (RFC 9457): the request's shape, and ApiProblem raised by
    the rules. Anything else propagates to Odoo, which rolls the transaction back."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def problem_handler(request):
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return problem_response(validation_problem(exc))
            except ApiProblem as problem:
                return problem_response(problem)

        return problem_handler


def _problems(*statuses):
    return {status: {"model": Problem} for status in statuses}


router = APIRouter(route_class=ProblemRoute, responses=_problems(401, 403, 422))

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="OdooApiKey",
    description="An Odoo API key (Preferences > Account Security) of a user in the group Billing Control: API sync.",
)


def api_env(
    env: Annotated[Environment, Depends(odoo_env)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Environment:
    """Return the environment of the API client that the bearer API key authenticates."""
    if not credentials or not credentials.credentials:
        raise ApiProblem(
            401, "unauthenticated", _("Authentication required"), _("Send Authorization: Bearer <API key>.")
        )
    uid = env["res.users.apikeys"]._check_credentials(scope="rpc", key=credentials.credentials)
    if not uid:
        raise ApiProblem(
            401, "unauthenticated", _("Invalid API key"), _("The API key is unknown, revoked or of an archived user.")
        )
    client_env = env(user=uid, su=False)
    if not client_env.user.has_group(GROUP_API_SYNC):
        raise ApiProblem(
            403, "forbidden", _("Not an API client"), _("The user is not in the group Billing Control: API sync.")
        )
    return client_env


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Send the same request again with the same key: its stored response is replayed.",
    ),
]
Mode = Annotated[
    Literal["atomic", "partial"],
    Query(description="atomic (default): all lines or none; partial: the valid lines are written."),
]


def run_idempotent(env, key, operation, request, run):
    """Answer ``run()`` (it returns the response body, or raises ApiProblem), once per key.

    A refusal of the batch's lines (422) is stored and replayed as a success is; a refusal of the
    request itself (authentication, in flight) is not.
    """
    if not key:
        return _respond(200, run())
    fingerprint = hashlib.sha256(json.dumps(jsonable_encoder(request), sort_keys=True).encode()).hexdigest()
    keys = env["ps.api.idempotency.key"]
    stored = keys._ps_begin(key, operation, fingerprint)
    if stored:
        status, body = stored
        return _respond(status, body, replayed=True)
    try:
        status, body = 200, run()
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        status, body = problem.status, problem.to_dict()
    body = jsonable_encoder(body)
    keys._ps_store(key, operation, fingerprint, status, body)
    return _respond(status, body)


def _respond(status, body, replayed=False):
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    media_type = PROBLEM_MEDIA_TYPE if status >= 400 else "application/json"
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=media_type, headers=headers)


@router.post(
    "/timesheets:batch",
    response_model=BatchResult,
    responses=_problems(409, 413),
    summary="Upsert up to 1,000 timesheet lines",
    description="Upsert by (source, external_id); employee, project and task by their mapping. An approved line "
    "cannot be changed by a sync. Each line is checked against its engagement.",
    tags=["time and expenses"],
)
def timesheets_batch(
    env: Annotated[Environment, Depends(api_env)],
    batch: TimesheetBatchIn,
    idempotency_key: IdempotencyKey = None,
    mode: Mode = "atomic",
):
    return _import_batch(env, idempotency_key, "POST /timesheets:batch", "ps.api.timesheet.batch", batch, mode)


@router.post(
    "/expenses:batch",
    response_model=BatchResult,
    responses=_problems(409, 413),
    summary="Upsert up to 1,000 expenses with their receipts",
    description="Upsert by (source, external_id); an expense in an expense report cannot be changed by a sync.",
    tags=["time and expenses"],
)
def expenses_batch(
    env: Annotated[Environment, Depends(api_env)],
    batch: ExpenseBatchIn,
    idempotency_key: IdempotencyKey = None,
    mode: Mode = "atomic",
):
    return _import_batch(env, idempotency_key, "POST /expenses:batch", "ps.api.expense.batch", batch, mode)


def _import_batch(env, idempotency_key, operation, batch_model, batch, mode):
    """Import ``batch`` through ``batch_model`` under ``idempotency_key`` (the stored response on a replay)."""
    lines = [line.model_dump() for line in batch.lines]
    return run_idempotent(
        env,
        idempotency_key,
        operation,
        {"mode": mode, "body": batch.model_dump()},
        lambda: env[batch_model]._ps_import(lines, mode),
    )


@router.post(
    "/milestones/{milestone_id}/acceptance",
    response_model=AcceptanceOut,
    responses=_problems(404, 409),
    summary="Record a client's signed acceptance of a milestone",
    description="For e-signature platforms: the signatory, the signed document (kept as the milestone's "
    "evidence) and the time of signature.",
    tags=["milestones"],
)
def milestone_acceptance(
    env: Annotated[Environment, Depends(api_env)],
    milestone_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    acceptance: AcceptanceIn,
    idempotency_key: IdempotencyKey = None,
):
    return run_idempotent(
        env,
        idempotency_key,
        f"POST /milestones/{milestone_id}/acceptance",
        acceptance.model_dump(),
        lambda: _accept_milestone(env, milestone_id, acceptance),
    )


def _accept_milestone(env, milestone_id, acceptance):
    milestone = env["project.milestone"].sudo().browse(milestone_id).exists()
    company = milestone.project_id.company_id
    if not milestone or (company and company not in env.user.company_ids):
        raise ApiProblem(404, "not-found", _("No such milestone"), _("No milestone %s.", milestone_id))
    signed_at = acceptance.signed_at
    if signed_at.tzinfo is None:
        raise ApiProblem(
            422,
            "lines-rejected",
            _("Invalid acceptance"),
            errors=[
                _field_error("signed_at", "time_zone_missing", _("Give the time of signature with its time zone."))
            ],
        )
    signed_on = signed_at.astimezone(timezone.utc).replace(tzinfo=None)
    if signed_on > datetime.utcnow() + CLOCK_SKEW:
        raise ApiProblem(
            422,
            "lines-rejected",
            _("Invalid acceptance"),
            errors=[_field_error("signed_at", "future_date", _("The signature is in the future."))],
        )
    try:
        document = base64.b64decode(acceptance.document.content, validate=True)
    except (binascii.Error, ValueError):
        document = b""
    if not document:
        raise ApiProblem(
            422,
            "lines-rejected",
            _("Invalid acceptance"),
            errors=[_field_error("document.content", "document_invalid", _("The signed document is not base64."))],
        )
    comment_source = acceptance.platform or _("an e-signature platform")
    if acceptance.envelope_id:
        comment_source = f"{comment_source} ({acceptance.envelope_id})"
    signatory = acceptance.signatory.name.strip()
    if acceptance.signatory.email:
        signatory = f"{signatory} <{acceptance.signatory.email.strip()}>"
    try:
        with env.cr.savepoint():
            # As the client, with the rights of the API: the milestone module records who and when.
            evidence = milestone._ps_record_client_acceptance(
                signatory, signed_on, acceptance.document.filename, document, source=comment_source
            )
    except UserError as error:
        raise ApiProblem(
            409, "milestone-not-acceptable", _("The milestone cannot be accepted now"), str(error.args[0])
        ) from error
    if not evidence:
        raise ApiProblem(
            409,
            "acceptance-not-tracked",
            _("Milestone acceptance is not tracked"),
            _("Install Milestone Billing to record client acceptance."),
        )
    milestone.invalidate_recordset()
    return {
        "milestone_id": milestone.id,
        "state": milestone.ps_acceptance_state,
        "accepted_on": milestone.ps_accepted_on,
        "accepted_by": milestone.ps_accepted_by_name,
        "evidence_id": evidence.id,
    }


def _field_error(field, code, detail):
    return {"index": None, "source": None, "external_id": None, "code": code, "field": field, "detail": detail}


@router.get(
    "/engagements/{reference}/readiness",
    response_model=EngagementReadiness,
    responses=_problems(404),
    summary="Read an engagement's billing readiness",
    description="Its latest billing periods: state, amounts (record and company currency) and findings.",
    tags=["readiness"],
)
def engagement_readiness(
    env: Annotated[Environment, Depends(api_env)],
    reference: Annotated[
        str, Path(min_length=1, max_length=64, pattern=REFERENCE, description="The engagement's sales order number.")
    ],
):
    return _respond(200, env["ps.api.readiness"]._ps_get_engagement_readiness(reference))


@router.get(
    "/events",
    response_model=EventPage,
    responses=_problems(400),
    summary="Pull the business events",
    description="The events of the outbox (the webhook bodies) in a stable order; pass next_cursor as after.",
    tags=["events"],
)
def events(
    env: Annotated[Environment, Depends(api_env)],
    after: Annotated[str | None, Query(max_length=40, pattern=NO_NUL, description="The cursor to read after.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    return _respond(200, env["ps.billing.event"]._ps_get_feed(after, limit))
