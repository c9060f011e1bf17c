# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
import json
import time

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError

from ..text_model import DisputeTextModel, held_out_split, macro_f1

GROUP_FINANCE_CONTROLLER = "ps_billing_readiness.group_finance_controller"
RESOLVED_STATES = ("resolved_credit_note", "resolved_no_change", "rejected")


class PsDisputeClassifier(models.Model):
    """One trained reply classifier: its model as JSON and how well it did on replies it never saw.

    Retraining makes a new record and archives the previous one (history is kept). The classifier
    only suggests a reason: nothing in the suite acts on its answer by itself.
    """

    _name = "ps.dispute.classifier"
    _description = "Dispute Reply Classifier"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    active = fields.Boolean(default=True, readonly=True)
    model_file = fields.Binary(
        "Model (JSON)",
        attachment=True,
        readonly=True,
        help="Vocabularies, idf weights, coefficients and intercepts as JSON; never a pickle.",
    )
    trained_on = fields.Datetime(readonly=True)
    trained_by_id = fields.Many2one("res.users", readonly=True)
    shipped_count = fields.Integer("Shipped Replies", readonly=True)
    learned_count = fields.Integer(
        "Replies of Resolved Disputes", readonly=True, help="Client replies whose reason a controller decided."
    )
    macro_f1 = fields.Float(
        "Held-out Macro-F1",
        readonly=True,
        digits=(3, 3),
        help="Macro-averaged F1 on a stratified 25 % of the shipped replies, left out of a training on the other "
        "75 % (fixed seed).",
    )
    ms_per_email = fields.Float("Milliseconds per Reply", readonly=True, digits=(6, 2))
    class_codes = fields.Char("Reason Codes", readonly=True)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_retrain(self):
        self._check_can_retrain()
        return self._do_retrain()

    def _check_can_retrain(self):
        if not self.env.user.has_group(GROUP_FINANCE_CONTROLLER):
            raise AccessError(_("Only a finance controller retrains the reply classifier."))

    def _do_retrain(self):
        classifier = self.sudo()._ps_train(trained_by=self.env.user)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": classifier.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _ps_shipped_samples(self):
        """Return ([text], [reason code]) of the labelled replies shipped with the module."""
        with tools.file_open("ps_billing_disputes/data/dispute_emails.csv", "rb") as handle:
            rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))
        return [row["text"] for row in rows], [row["reason"] for row in rows]

    @api.model
    def _ps_learned_samples(self):
        """Return ([text], [reason code]) of the client replies of the disputes the firm decided."""
        disputes = (
            self.env["ps.billing.dispute"]
            .sudo()
            .search([("state", "in", RESOLVED_STATES), ("client_message", "!=", False)])
        )
        return disputes.mapped("client_message"), disputes.mapped("reason_id.code")

    @api.model
    def _ps_evaluate(self, texts, labels):
        """Return (macro-F1, milliseconds per reply) of a model trained on 75 % of these replies and
        measured on the other 25 % (stratified, fixed seed)."""
        train_texts, test_texts, train_labels, test_labels = held_out_split(texts, labels)
        model = DisputeTextModel.train(train_texts, train_labels)
        started = time.perf_counter()
        score = macro_f1(model, test_texts, test_labels)
        return score, (time.perf_counter() - started) * 1000.0 / len(test_texts)

    @api.model
    def _ps_train(self, trained_by=None):
        """Train a classifier on the shipped replies and those of resolved disputes, store it as the
        active one (the previous is archived) and return it."""
        texts, labels = self._ps_shipped_samples()
        score, ms_per_email = self._ps_evaluate(texts, labels)
        learned_texts, learned_labels = self._ps_learned_samples()
        model = DisputeTextModel.train(texts + learned_texts, labels + learned_labels)
        payload = json.dumps(model.to_json(), separators=(",", ":")).encode()
        self.search([]).write({"active": False})
        now = fields.Datetime.now()
        return self.create(
            {
                "name": _("Classifier of %s", fields.Datetime.to_string(now)),
                "model_file": base64.b64encode(payload),
                "trained_on": now,
                "trained_by_id": (trained_by or self.env.user).id,
                "shipped_count": len(texts),
                "learned_count": len(learned_texts),
                "macro_f1": score,
                "ms_per_email": ms_per_email,
                "class_codes": ",".join(model.classes),
            }
        )

    @api.model
    def _ps_get_active(self):
        """Return the active classifier, trained on first use when there is none."""
        classifier = self.sudo().search([], limit=1)
        return classifier or self.sudo()._ps_train()

    def _ps_model_checksum(self):
        """Return the checksum of the stored model's attachment (the key of the loaded-model cache)."""
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", "model_file")],
                limit=1,
            )
        )
        return attachment.checksum

    def _ps_load_model(self):
        """Return the DisputeTextModel stored on this classifier."""
        self.ensure_one()
        return self._ps_load_model_cached(self._ps_model_checksum(), self.id)

    @tools.ormcache("checksum")
    def _ps_load_model_cached(self, checksum, classifier_id):
        # Parsing the 3 MB of JSON takes about 0.1 s; a mail gateway classifying replies one by one
        # would pay it for each. The checksum changes with the content, so a retrained model is
        # never served stale.
        classifier = self.browse(classifier_id).sudo()
        return DisputeTextModel.from_json(json.loads(base64.b64decode(classifier.model_file)))

    def _ps_classify(self, texts):
        """Return [(ps.dispute.reason or empty, confidence)] for ``texts`` with this classifier."""
        predictions = self._ps_load_model().predict(texts)
        codes = {code for code, _confidence in predictions}
        reasons = {
            reason.code: reason for reason in self.env["ps.dispute.reason"].sudo().search([("code", "in", list(codes))])
        }
        empty = self.env["ps.dispute.reason"]
        return [(reasons.get(code, empty), confidence) for code, confidence in predictions]
