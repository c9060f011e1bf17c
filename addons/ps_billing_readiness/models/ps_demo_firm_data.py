# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo firm's people, engagements and habits (data only: ps_demo_firm.py builds them)."""

MODULE = "ps_billing_readiness"
# A fixed seed keeps the firm identical from one install to the next for a given today.
SEED = 17
HISTORY_DAYS = 60

# (key, name, role, department). The key is the first name: the login is demo.<key>.
PEOPLE = (
    ("margaret", "Margaret Holloway", "director", "finance"),
    ("fiona", "Fiona Marsh", "controller", "finance"),
    ("daniel", "Daniel Okafor", "controller", "finance"),
    ("sofia", "Sofia Lindqvist", "lead", "strategy"),
    ("rahul", "Rahul Mehta", "lead", "technology"),
    ("claire", "Claire Dubois", "lead", "risk"),
    ("jonas", "Jonas Weber", "senior", "strategy"),
    ("amara", "Amara Nwosu", "senior", "strategy"),
    ("lucas", "Lucas Moreau", "consultant", "strategy"),
    ("emma", "Emma Jansen", "consultant", "strategy"),
    ("noah", "Noah Fischer", "consultant", "strategy"),
    ("isabel", "Isabel Cruz", "consultant", "strategy"),
    ("oliver", "Oliver Brooks", "consultant", "strategy"),
    ("mia", "Mia Kowalski", "consultant", "strategy"),
    ("arjun", "Arjun Rao", "senior", "technology"),
    ("hannah", "Hannah Schmidt", "senior", "technology"),
    ("leo", "Leo Rossi", "consultant", "technology"),
    ("chloe", "Chloe Martin", "consultant", "technology"),
    ("ethan", "Ethan Novak", "consultant", "technology"),
    ("priya", "Priya Shah", "consultant", "technology"),
    ("tomas", "Tomas Silva", "consultant", "technology"),
    ("yuki", "Yuki Tanaka", "consultant", "technology"),
    ("grace", "Grace O'Neill", "senior", "risk"),
    ("victor", "Victor Lambert", "senior", "risk"),
    ("sara", "Sara Haddad", "consultant", "risk"),
    ("felix", "Felix Braun", "consultant", "risk"),
    ("nina", "Nina Petrova", "consultant", "risk"),
    ("samuel", "Samuel Adeyemi", "consultant", "risk"),
    ("lena", "Lena Vogel", "consultant", "risk"),
    ("marco", "Marco Bianchi", "consultant", "risk"),
)
PART_TIME = frozenset({"daniel", "noah", "priya", "sara"})
# Client contacts with a customer portal login, to sign off milestones: (key, client). The key is the
# first name: the login is demo.<key>, the password too; the contact is demo_partner_<client>_contact.
PORTAL_CONTACTS = (("peter", "alder"),)
ROLE_GROUP = {
    "director": "group_finance_controller",
    "controller": "group_finance_controller",
    "lead": "group_project_manager",
    "senior": "group_consultant",
    "consultant": "group_consultant",
}
ROLE_TITLE = {
    "director": "Managing Director",
    "controller": "Finance Controller",
    "lead": "Practice Lead",
    "senior": "Senior Consultant",
    "consultant": "Consultant",
}
ROLE_HOURLY_COST = {"director": 120.0, "controller": 70.0, "lead": 95.0, "senior": 75.0, "consultant": 55.0}
STAFF_ROLES = ("senior", "consultant")

# Engagements: start is in days before today; lines are (product, quantity, price);
# milestones are (name, share of the fee, deadline in days from today, reached days ago).
# A "po" key means the client requires a PO (False: not received yet); "client_approval"
# means the client approves invoices; "terms_confirmed": False leaves the terms for finance
# to confirm. The billing model is given only where the products alone do not tell it (a
# retainer is invoiced as ordered, like a fixed fee).
ENGAGEMENTS = (
    {
        "key": "northgate_network",
        "client": "northgate",
        "title": "Distribution network redesign",
        "practice": "strategy",
        "salesperson": "fiona",
        "start": 140,
        "po": "PO-4500187321",
        "lines": (("time_materials_senior", 360, 195.0), ("time_materials", 700, 140.0)),
    },
    {
        "key": "meridian_retainer",
        "client": "meridian",
        "title": "Operating model advisory retainer",
        "practice": "strategy",
        "salesperson": "fiona",
        "start": 100,
        "po": "MM-PO-22871",
        "client_approval": True,
        "billing_model": "retainer",
        "lines": (("retainer", 6, 9500.0),),
        # Retainer terms: hours a month, unused hours rolled over up to the cap, overage and burn alerts.
        "retainer": {
            "ps_retainer_hours": 300.0,
            "ps_retainer_rollover": True,
            "ps_retainer_rollover_cap": 40.0,
            "ps_retainer_overage_rate": 240.0,
            "ps_retainer_thresholds": "50,75,90,100",
        },
    },
    {
        "key": "alder_stores",
        "client": "alder",
        "title": "Store operations programme",
        "practice": "strategy",
        "salesperson": "sofia",
        "start": 110,
        "lines": (("milestones", 1, 84000.0), ("time_materials", 160, 150.0)),
        "milestones": (
            ("Diagnostic and design", 0.3, -72, 70),
            ("Pilot stores live", 0.4, -10, 8),
            ("Roll-out and handover", 0.3, 40, None),
        ),
    },
    {
        "key": "greenleaf_procurement",
        "client": "greenleaf",
        "title": "Procurement diagnostic",
        "practice": "strategy",
        "salesperson": "sofia",
        "start": 45,
        "terms_confirmed": False,
        "lines": (("time_materials", 400, 150.0),),
    },
    {
        "key": "contour_platform",
        "client": "contour",
        "title": "Data platform build",
        "practice": "technology",
        "salesperson": "daniel",
        "start": 150,
        "po": "4700-2291-PO",
        "lines": (("milestones", 1, 120000.0),),
        "milestones": (
            ("Architecture sign-off", 0.2, -115, 112),
            ("Ingestion layer live", 0.3, -35, 31),
            ("Reporting layer live", 0.3, -5, None),
            ("Hypercare and handover", 0.2, 55, None),
        ),
    },
    {
        "key": "tailwind_crew",
        "client": "tailwind",
        "title": "Crew scheduling integration",
        "practice": "technology",
        "salesperson": "daniel",
        "start": 120,
        "lines": (("time_materials_senior", 300, 210.0), ("time_materials", 760, 150.0)),
    },
    {
        "key": "fairhaven_support",
        "client": "fairhaven",
        "title": "Application support retainer",
        "practice": "technology",
        "salesperson": "rahul",
        "start": 90,
        "billing_model": "retainer",
        "lines": (("retainer", 12, 7200.0),),
    },
    {
        "key": "northgate_analytics",
        "client": "northgate",
        "title": "Warehouse analytics",
        "practice": "technology",
        "salesperson": "rahul",
        "start": 25,
        "po": False,
        "terms_confirmed": False,
        "lines": (("time_materials", 320, 140.0),),
    },
    {
        "key": "meridian_audit",
        "client": "meridian",
        "title": "Solvency controls audit",
        "practice": "risk",
        "salesperson": "claire",
        "start": 70,
        "po": "MM-PO-23104",
        "client_approval": True,
        "lines": (("audit", 1, 38000.0),),
        "tasks": ("Planning and scoping", "Controls testing fieldwork", "Audit report"),
    },
    {
        "key": "bluewater_cyber",
        "client": "bluewater",
        "title": "Cyber resilience assessment",
        "practice": "risk",
        "salesperson": "claire",
        "start": 50,
        "lines": (("milestones", 1, 45000.0),),
        "milestones": (
            ("Current-state assessment", 0.4, -14, 12),
            ("Findings and roadmap", 0.6, 20, None),
        ),
    },
    {
        "key": "fairhaven_privacy",
        "client": "fairhaven",
        "title": "Privacy remediation",
        "practice": "risk",
        "salesperson": "fiona",
        "start": 95,
        "lines": (("time_materials_senior", 280, 210.0), ("time_materials", 650, 150.0)),
    },
    {
        "key": "contour_internal_audit",
        "client": "contour",
        "title": "Internal audit co-sourcing",
        "practice": "risk",
        "salesperson": "daniel",
        "start": 80,
        "po": "4700-2318-PO",
        "lines": (("time_materials", 700, 140.0),),
    },
)
# The finance controller who confirmed the billing terms of the engagements.
TERMS_CONFIRMED_BY = "fiona"
TIME_MATERIALS_PRODUCTS = {"time_materials_senior": "senior", "time_materials": "consultant"}

# (engagement, product, amount or kilometres, days ago, status, linked to the engagement, description).
# The unlinked ones sit on the project's analytic account only: re-invoiceable, yet never billed.
EXPENSES = (
    ("northgate_network", "expense_travel", 412.80, 52, "posted", True, "Flights to Chicago, kick-off workshop"),
    ("northgate_network", "expense_accommodation", 289.00, 51, "posted", True, "Hotel, kick-off workshop"),
    ("northgate_network", "expense_mileage", 184, 38, "posted", True, "Visits to the Joliet distribution center"),
    ("tailwind_crew", "expense_travel", 318.40, 30, "posted", True, "Flights to Denver, integration testing"),
    ("tailwind_crew", "expense_accommodation", 356.00, 29, "posted", True, "Hotel, integration testing"),
    ("tailwind_crew", "expense_accommodation", 389.00, 19, "posted", False, "Hotel, cut-over weekend"),
    ("contour_platform", "expense_travel", 655.20, 24, "approved", True, "Flights to Houston, architecture board"),
    ("contour_platform", "expense_accommodation", 540.00, 23, "approved", True, "Hotel, architecture board"),
    ("alder_stores", "expense_mileage", 240, 16, "submitted", True, "Pilot store visits"),
    ("alder_stores", "expense_accommodation", 178.00, 15, "submitted", True, "Hotel near the pilot stores"),
    ("fairhaven_privacy", "expense_travel", 122.60, 11, "reported", True, "Train to Boston, data protection workshop"),
    ("greenleaf_procurement", "expense_mileage", 64, 9, "reported", True, "Visit to the main packaging supplier"),
    ("fairhaven_privacy", "expense_travel", 167.50, 7, "draft", False, "Flights to Boston, records inventory"),
    ("meridian_audit", "expense_travel", 244.10, 6, "draft", True, "Flights to Hartford, controls testing"),
    ("northgate_analytics", "expense_travel", 98.40, 4, "draft", True, "Taxi to the Northgate warehouse"),
    ("northgate_analytics", "expense_accommodation", 215.00, 3, "draft", True, "Hotel, warehouse walkthrough"),
)
# The statuses of an expense in the order of the native flow: reported means in a draft report.
EXPENSE_STEPS = ("draft", "reported", "submitted", "approved", "posted")

SATURDAY, FRIDAY = 5, 4
DAY_OFF_CHANCE = 0.05
# Two consultants have logged nothing for this many days: the missing time to chase.
SILENT_DAYS = 7
SECOND_ENGAGEMENT_CHANCE = 0.3
# On an engagement that sells both phases and hours, the share of time billed as hours.
BILLABLE_HOURS_SHARE = 0.3
DAY_HOURS = (6.0, 6.5, 7.0, 7.5, 8.0, 8.0)
SECOND_ENGAGEMENT_HOURS = (1.5, 2.0, 3.0, 4.0)
LEAD_HOURS = (1.5, 2.0, 2.5, 3.0)
WORK_DESCRIPTIONS = (
    "Client workshop",
    "Workshop preparation",
    "Stakeholder interviews",
    "Data analysis",
    "Status meeting with the client",
    "Internal review",
    "Documentation",
    "Steering committee preparation",
    "Solution design",
    "Quality review",
)


def _login(key):
    """Return the login of the person ``key``; the password is the login too."""
    return f"demo.{key}"


def _email(key, name):
    """Return the work email of the person ``key`` named ``name``."""
    last_name = name.split()[-1].lower().replace("'", "")
    return f"{key}.{last_name}@example.com"
