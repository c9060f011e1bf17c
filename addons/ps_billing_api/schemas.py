# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The request and response bodies of /billing/v1: the contract published as OpenAPI."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# PostgreSQL text cannot hold NUL characters: refused with the request's shape.
NO_NUL = r"^[^\x00]*$"

Source = Annotated[
    str, Field(min_length=1, max_length=64, pattern=NO_NUL, description="The system the line comes from, e.g. harvest.")
]
ExternalId = Annotated[str, Field(min_length=1, max_length=128, pattern=NO_NUL, description="Its id in that system.")]
MappedId = Annotated[
    str,
    Field(min_length=1, max_length=128, pattern=NO_NUL, description="An id of the source, mapped to an Odoo record."),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TimesheetLineIn(StrictModel):
    source: Source
    external_id: ExternalId
    employee: MappedId
    project: MappedId
    task: MappedId | None = None
    date: date
    hours: float = Field(description="Above 0 and at most 24 (checked per line).")
    description: str = Field("", max_length=2000, pattern=NO_NUL)
    state: Literal["draft", "submitted"] | None = Field(
        None, description="submitted: submit the line for approval on the employee's behalf."
    )


class TimesheetBatchIn(StrictModel):
    lines: list[TimesheetLineIn] = Field(min_length=1, max_length=1000)


class ReceiptIn(StrictModel):
    filename: str = Field(min_length=1, max_length=255, pattern=NO_NUL)
    content: str = Field(min_length=1, description="The file, base64-encoded.", json_schema_extra={"format": "byte"})


class ExpenseLineIn(StrictModel):
    source: Source
    external_id: ExternalId
    employee: MappedId
    project: MappedId
    product: MappedId
    date: date
    amount: float = Field(description="Total, above 0 and at most 1,000,000 (checked per line).")
    currency: str | None = Field(
        None, min_length=3, max_length=3, pattern=NO_NUL, description="ISO 4217; the company's by default."
    )
    description: str = Field("", max_length=2000, pattern=NO_NUL)
    receipt: ReceiptIn | None = None


class ExpenseBatchIn(StrictModel):
    lines: list[ExpenseLineIn] = Field(min_length=1, max_length=1000)


class LineError(BaseModel):
    index: int | None = Field(None, description="The line's position in the batch (from 0).")
    source: str | None = None
    external_id: str | None = None
    code: str
    field: str | None = None
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[LineError] = []


class BatchSummary(BaseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int


class BatchLineResult(BaseModel):
    index: int
    source: str
    external_id: str
    status: Literal["created", "updated", "unchanged", "rejected"]
    id: int | None = Field(None, description="The Odoo record written.")
    errors: list[LineError] = []


class BatchResult(BaseModel):
    mode: Literal["atomic", "partial"]
    summary: BatchSummary
    lines: list[BatchLineResult]


class Signatory(StrictModel):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    email: str | None = Field(None, max_length=200, pattern=NO_NUL)


class SignedDocument(StrictModel):
    filename: str = Field(min_length=1, max_length=255, pattern=NO_NUL)
    content: str = Field(
        min_length=1, description="The signed PDF, base64-encoded.", json_schema_extra={"format": "byte"}
    )


class AcceptanceIn(StrictModel):
    signatory: Signatory
    signed_at: datetime = Field(description="When the client signed (ISO 8601 with a time zone).")
    document: SignedDocument
    platform: str | None = Field(
        None, max_length=64, pattern=NO_NUL, description="The e-signature platform, e.g. docusign."
    )
    envelope_id: str | None = Field(None, max_length=128, pattern=NO_NUL, description="Its id of the signature.")


class AcceptanceOut(BaseModel):
    milestone_id: int
    state: str
    accepted_on: datetime
    accepted_by: str
    evidence_id: int


class Amounts(BaseModel):
    deliverable: float
    ready: float
    blocked: float
    at_risk: float


class Finding(BaseModel):
    code: str
    name: str
    severity: Literal["blocking", "warning"]
    message: str
    amount_at_risk: float


class ReadinessPeriod(BaseModel):
    period_start: date
    period_end: date
    cutoff_date: date
    state: Literal["not_ready", "blocked", "ready", "invoiced"]
    blocked_since: date | None = None
    evaluated_on: datetime | None = None
    amounts: Amounts
    amounts_company: Amounts
    findings: list[Finding]


class EngagementReadiness(BaseModel):
    reference: str
    client: str
    billing_model: str | None = None
    terms_confirmed: bool
    currency: str
    company_currency: str
    periods: list[ReadinessPeriod]


class Event(BaseModel):
    """An event of the outbox, as its webhook body, with its cursor in the feed."""

    model_config = ConfigDict(extra="allow")

    cursor: str
    id: str
    type: str
    timestamp: str
    company_id: int | None = None
    engagement: dict | None = None
    sequence: int | None = None
    data: dict | list | None = None


class EventPage(BaseModel):
    events: list[Event]
    next_cursor: str | None = Field(None, description="Pass it as ?after= to read on.")
    has_more: bool
