# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
import socket
from collections import Counter
from unittest.mock import patch

import numpy as np

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from ..text_model import DisputeTextModel, held_out_split
from .common import DisputeCase


def _no_network(*args, **kwargs):
    raise OSError("networking is disabled in this test")


@tagged("post_install", "-at_install")
class TestShippedReplies(TransactionCase):
    def test_shipped_set_is_large_multilingual_and_balanced(self):
        texts, labels = self.env["ps.dispute.classifier"]._ps_shipped_samples()
        self.assertGreaterEqual(len(texts), 400)
        self.assertEqual(len(set(texts)), len(texts), "no reply twice")
        self.assertEqual(
            set(labels), set(self.env["ps.dispute.reason"].search([]).mapped("code")), "one label per reason code"
        )
        self.assertGreaterEqual(min(Counter(labels).values()), 40)


@tagged("post_install", "-at_install")
class TestDisputeClassifier(DisputeCase):
    def test_held_out_macro_f1_with_networking_disabled(self):
        """Train (held-out measure, then the stored model), store, load and predict without network."""
        with (
            patch.object(socket.socket, "connect", _no_network),
            patch.object(socket, "create_connection", _no_network),
        ):
            classifier = self.env["ps.dispute.classifier"]._ps_train()
            predictions = classifier._ps_classify(["Please add our PO 4500012345 to the invoice."])
        print(  # noqa: T201 pylint: disable=print-used
            f"\nDispute reply classifier: held-out macro-F1 {classifier.macro_f1:.3f}, "
            f"{classifier.ms_per_email:.2f} ms per e-mail"
        )
        self.assertGreaterEqual(classifier.macro_f1, 0.8)
        self.assertLess(classifier.ms_per_email, 100.0)
        self.assertEqual(classifier, self.env["ps.dispute.classifier"]._ps_get_active())
        self.assertEqual(predictions[0][0], self.reasons["po_reference"])

    def test_stored_json_predicts_what_sklearn_predicted(self):
        texts, labels = self.env["ps.dispute.classifier"]._ps_shipped_samples()
        train_texts, test_texts, train_labels, _test_labels = held_out_split(texts, labels)
        model = DisputeTextModel.train(train_texts, train_labels)
        stored = json.loads(json.dumps(model.to_json()))
        loaded = DisputeTextModel.from_json(stored)
        np.testing.assert_array_equal(loaded.predict_proba(test_texts), model.predict_proba(test_texts))
        self.assertEqual(loaded.predict(test_texts), model.predict(test_texts))
        with self.assertRaises(ValueError):
            DisputeTextModel.from_json({"format": "pickle"})

    def test_active_classifier_is_stored_as_json(self):
        classifier = self.env["ps.dispute.classifier"]._ps_get_active()
        payload = json.loads(base64.b64decode(classifier.model_file))
        self.assertEqual(payload["format"], "ps_dispute_tfidf_logreg/1")
        self.assertEqual(sorted(payload["classes"]), sorted(self.reasons))
        self.assertGreaterEqual(classifier.macro_f1, 0.8)

    def test_retrain_learns_the_replies_of_decided_disputes(self):
        self._client_reply(self.invoice, "Hi, we want a discount because the project manager was rude.")
        suggestion = self.env["ps.dispute.suggestion"].search([("invoice_id", "=", self.invoice.id)])
        suggestion.with_user(self.controller).confirmed_reason_id = self.reasons["other"]
        dispute = self.env["ps.billing.dispute"].browse(
            suggestion.with_user(self.controller).action_open_dispute()["res_id"]
        )
        self._decide(dispute, "reject", "No discount for manners.")
        old = self.env["ps.dispute.classifier"]._ps_get_active()
        with self.assertRaises(AccessError):
            old.with_user(self.project_manager).action_retrain()
        action = old.with_user(self.controller).action_retrain()
        new = self.env["ps.dispute.classifier"].browse(action["res_id"])
        self.assertNotEqual(new, old)
        self.assertFalse(old.active, "the previous classifier is archived, not deleted")
        self.assertEqual((new.learned_count, new.shipped_count, new.trained_by_id), (1, 440, self.controller))
        self.assertEqual(self.env["ps.dispute.classifier"]._ps_get_active(), new)
