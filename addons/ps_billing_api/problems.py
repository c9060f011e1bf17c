# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors of the API as RFC 9457 problem details (``application/problem+json``)."""

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://billing-control.example/problems/"


class ApiProblem(Exception):
    """A request the API refuses: its status, a short title, and one entry per rejected line."""

    def __init__(self, status, code, title, detail=None, errors=None):
        super().__init__(detail or title)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors or []

    def to_dict(self):
        """Return the problem document."""
        return {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail or self.title,
            "errors": self.errors,
        }


def line_error(index, line, code, detail, field=None):
    """Return the problem entry of one rejected line of a batch."""
    return {
        "index": index,
        "source": (line or {}).get("source"),
        "external_id": (line or {}).get("external_id"),
        "code": code,
        "field": field,
        "detail": detail,
    }
