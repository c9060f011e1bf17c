"""Business events (ps_billing_events) inside the first evaluation: written per second, and what they add.

The same first evaluation of the period is run twice in each run, rolled back after each: with every
event type active and an endpoint subscribed to all of them (events, their deliveries and the delivery
jobs are written, as in production; the jobs are not performed), and with every type archived (the
emission then records nothing: the hook's cost alone). The order alternates from run to run.
"""

ENDPOINT = {
    "name": "Benchmark receiver",
    "url": "https://events.example.com/billing",
    "timeout": 5,
}


def installed(env):
    return "ps.billing.event" in env


def subscribe_everything(env):
    """Create an enabled endpoint with a secret, subscribed to every type (no type: all); return it."""
    endpoint = env["ps.webhook.endpoint"].sudo().create(dict(ENDPOINT))
    endpoint._ps_rotate_secret()
    return endpoint


def set_types_active(env, active):
    env["ps.billing.event.type"].sudo().with_context(active_test=False).search([]).write({"active": active})


def count(env):
    """Return (events, deliveries, delivery jobs) stored now."""
    env.flush_all()
    env.cr.execute("SELECT COUNT(*) FROM ps_billing_event")
    events = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM ps_webhook_delivery")
    deliveries = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM queue_job WHERE channel LIKE 'root.billing_events%%'")
    jobs = env.cr.fetchone()[0]
    return events, deliveries, jobs
