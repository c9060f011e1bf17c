# shellcheck shell=bash
# Shared by bin/serve and bin/test: find Odoo, prepare the venv, derive the config.
# Odoo itself is never part of this repository: it is *used* from $ODOO_PATH.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo17}"
PYTHON="${PYTHON:-python3.11}"
# The venv lives outside the checkout so that a fresh clone (CI) reuses it.
VENV="${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/billing-control/venv-py311}"
STATE_DIR="${BC_STATE_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/billing-control}"
SUITE_MODULES="ps_billing_readiness,ps_timesheet_compliance,ps_milestone_billing,ps_billing_approvals,ps_change_orders,ps_billing_events,ps_billing_api,ps_billing_disputes,ps_billing_analytics"

log() { printf '\033[1m[billing-control]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[billing-control] %s\033[0m\n' "$*" >&2; exit 1; }

require_odoo() {
    local release="$ODOO_PATH/odoo/release.py"
    if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -f "$release" ]; then
        die "No Odoo source tree at ODOO_PATH=$ODOO_PATH (odoo-bin and odoo/release.py are missing).
Provide Odoo 17.0 Community from source, for example:
    git clone --depth 1 --branch 17.0 https://github.com/odoo/odoo.git /opt/odoo17
or point ODOO_PATH at an existing 17.0 checkout, or use the Docker path (README: docker compose)."
    fi
    if ! grep -Eq '^version_info = \(17, 0,' "$release"; then
        die "ODOO_PATH=$ODOO_PATH holds $(grep -E '^version_info' "$release" || echo 'an unknown version'), not Odoo 17.0.
Billing Control needs the 17.0 branch of Odoo Community."
    fi
}

require_postgres() {
    command -v psql >/dev/null || die "psql not found: install the PostgreSQL client (Debian: postgresql-client)."
    psql -d postgres -Atqc 'select 1' >/dev/null 2>&1 || die "PostgreSQL is not reachable as role '$(id -un)' on the local socket.
Start it (pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start) and create the role
(su postgres -c \"createuser -s $(id -un)\"). Odoo refuses to run as the 'postgres' role."
}

# require_wkhtmltopdf: Odoo renders the invoice and its backup package with Debian's wkhtmltopdf;
# installed when missing and this user may (root with apt), else a message saying how.
require_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing wkhtmltopdf (Debian's package): Odoo renders the invoice PDFs with it"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wkhtmltopdf >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wkhtmltopdf >/dev/null; } \
            || die "installing wkhtmltopdf failed"
        return 0
    fi
    die "No wkhtmltopdf: Odoo renders invoices and their backup packages with it (Debian: sudo apt-get install --no-install-recommends wkhtmltopdf)."
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha256" want
    want="$(cat "$REPO_ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
    if [ ! -x "$VENV/bin/python" ]; then
        command -v "$PYTHON" >/dev/null || die "$PYTHON not found: Odoo 17 runs on Python 3.10 or 3.11."
        log "creating the virtualenv in $VENV"
        mkdir -p "$(dirname "$VENV")"
        "$PYTHON" -m venv "$VENV"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "installing requirements.txt into $VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip<25"
        # The OCA addons' wheels require the odoo package, which is the source tree at $ODOO_PATH
        # here: they are installed without their dependencies, which requirements.txt lists.
        grep -v '^odoo-addon-' "$REPO_ROOT/requirements.txt" >"$VENV/.requirements-python.txt"
        grep '^odoo-addon-' "$REPO_ROOT/requirements.txt" >"$VENV/.requirements-oca.txt" || true
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$VENV/.requirements-python.txt"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$VENV/.requirements-oca.txt"
        echo "$want" >"$stamp"
    fi
}

# oca_addons_path: where the OCA wheels of requirements.txt put their addons (odoo/addons of the venv).
oca_addons_path() {
    "$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"] + "/odoo/addons")'
}

# write_config <path> <database> [extra key=value ...]
# Derives the local config from odoo.conf: same options, local paths and database.
write_config() {
    local path="$1" db="$2"
    shift 2
    mkdir -p "$(dirname "$path")" "$STATE_DIR/data"
    "$VENV/bin/python" - "$REPO_ROOT/odoo.conf" "$path" "$db" "$@" <<PY
import configparser, sys
src, dst, db, *extra = sys.argv[1:]
cfg = configparser.ConfigParser(interpolation=None)
cfg.read(src)
opts = cfg["options"]
opts["addons_path"] = ",".join([
    "$ODOO_PATH/addons", "$ODOO_PATH/odoo/addons", "$REPO_ROOT/addons", "$(oca_addons_path)",
])
opts["data_dir"] = "$STATE_DIR/data"
# Local PostgreSQL: the unix socket, as the current role, trust auth.
for key in ("db_host", "db_port", "db_user", "db_password"):
    opts[key] = "False"
opts["db_name"] = db
opts["dbfilter"] = "^%s\$" % db
for item in extra:
    key, _, value = item.partition("=")
    opts[key] = value
with open(dst, "w") as fh:
    cfg.write(fh)
PY
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_PATH/odoo-bin" "$@"
}

db_exists() {
    [ "$(psql -d postgres -Atqc "select 1 from pg_database where datname = '$1'")" = "1" ]
}

# modules_installed <db> <comma separated modules>: true when all are installed.
modules_installed() {
    local db="$1" mods="$2" want have
    want="$(tr ',' '\n' <<<"$mods" | grep -c .)"
    have="$(psql -d "$db" -Atqc "select count(*) from ir_module_module where state = 'installed' and name = any(string_to_array('$mods', ','))" 2>/dev/null || echo 0)"
    [ "$have" = "$want" ]
}
