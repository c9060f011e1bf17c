# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import AccessError


class PsProtectedMixin(models.AbstractModel):
    """Fields that only the suite's own actions change.

    Odoo's external API lets any logged-in user call ``create`` and ``write``
    with any values and any context. The fields a control protects (states,
    decisions, confirmations, links) are therefore refused in both unless the
    environment is the superuser's, which only server code can reach (the
    suite's actions check the user's right first, then write with ``sudo()``).
    A ``default_<field>`` key in the context is a request from the client, never
    a permission: it is dropped for protected fields, even for the superuser,
    since Odoo's own code passes the caller's context on to its ``sudo()`` creates.
    """

    _name = "ps.protected.mixin"
    _description = "Billing Control: fields only the suite's actions change"

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    @api.model
    def _get_ps_protected_fields(self):
        """Return the set of field names that only the suite's own actions may change (extend with super())."""
        return set()

    @api.model
    def _ps_get_stored_fields_of(self, module):
        """Return the stored fields that ``module`` defines on this model (for records made by the engine only)."""
        return {
            name
            for name, field in self._fields.items()
            if field.store and not field.automatic and field._module == module
        }

    # ------------------------------------------------------------
    # ORM overrides
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        protected = self._get_ps_protected_fields()
        if not protected:
            return super().create(vals_list)
        records = self._ps_without_protected_defaults(protected)
        if not records.env.su:
            records._ps_check_protected_create(protected, vals_list)
        return super(PsProtectedMixin, records).create(vals_list).with_env(self.env)

    def write(self, vals):
        if not self.env.su:
            forbidden = set(vals) & self._get_ps_protected_fields()
            if forbidden:
                raise AccessError(self._ps_protected_error(forbidden))
        return super().write(vals)

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _ps_without_protected_defaults(self, protected):
        """Return self with no ``default_<field>`` context key for the protected fields."""
        keys = {f"default_{name}" for name in protected}
        if not keys & set(self.env.context):
            return self
        return self.with_env(
            self.env(context={key: value for key, value in self.env.context.items() if key not in keys})
        )

    def _ps_check_protected_create(self, protected, vals_list):
        """Refuse new records born with a protected field set to anything but its neutral value."""
        given = protected & {name for vals in vals_list for name in vals}
        if not given:
            return
        neutral = self.default_get(list(given))
        forbidden = {
            name for vals in vals_list for name in given & set(vals) if vals[name] and vals[name] != neutral.get(name)
        }
        if forbidden:
            raise AccessError(self._ps_protected_error(forbidden))

    def _ps_protected_error(self, names):
        labels = sorted(self._fields[name].get_description(self.env)["string"] for name in names)
        return _(
            "%(fields)s of %(model)s change only through Billing Control's own actions "
            "(approve, accept, confirm, evaluate...), not by editing or importing them.",
            fields=", ".join(labels),
            model=self._description,
        )
