# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The backup package sent with an invoice (issue #19): built in this file.
