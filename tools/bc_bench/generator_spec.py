"""The generated firm's sizes and shapes (data only: generator.py builds the firm)."""

PREFIX = "bench"
ANCHOR_PARAM = "bc_bench.anchor_date"
SIZE_PARAM = "bc_bench.size"

# consultants: employees who log time; consultant_users: how many of them get a user (creating
# thousands of users costs minutes and they are not needed to log time); rules: approval matrix.
SIZES = {
    "tiny": {
        "engagements": 4,
        "consultants": 6,
        "lines": 200,
        "leads": 2,
        "controllers": 2,
        "clients": 3,
        "consultant_users": 2,
        "rules": 20,
    },
    "S": {
        "engagements": 100,
        "consultants": 200,
        "lines": 20_000,
        "leads": 20,
        "controllers": 4,
        "clients": 30,
        "consultant_users": 20,
        "rules": 200,
    },
    "M": {
        "engagements": 1_000,
        "consultants": 2_000,
        "lines": 200_000,
        "leads": 150,
        "controllers": 8,
        "clients": 250,
        "consultant_users": 100,
        "rules": 200,
    },
}

PRACTICES = ("Strategy", "Technology", "Risk", "Operations", "Data", "People")
FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Nico",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
)
LAST_NAMES = (
    "Adler",
    "Brandt",
    "Costa",
    "Dahl",
    "Evans",
    "Fontaine",
    "Gupta",
    "Haas",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
)
CLIENT_WORDS = (
    "Northgate",
    "Meridian",
    "Alder",
    "Greenleaf",
    "Contour",
    "Tailwind",
    "Fairhaven",
    "Bluewater",
    "Harbor",
    "Summit",
    "Lumen",
    "Cobalt",
    "Redwood",
    "Silverline",
    "Keystone",
    "Orchid",
    "Granite",
    "Vantage",
)
CLIENT_SUFFIXES = ("Group", "Holdings", "Logistics", "Energy", "Health", "Retail", "Bank", "Insurance", "Foods")
WORK = (
    "Client workshop",
    "Workshop preparation",
    "Stakeholder interviews",
    "Data analysis",
    "Status meeting",
    "Internal review",
    "Documentation",
    "Steering committee preparation",
    "Solution design",
    "Quality review",
)
# Billing models in the order engagements take them: every model appears in the first four.
MODEL_CYCLE = (
    "time_materials",
    "milestone",
    "fixed_fee",
    "retainer",
    "time_materials",
    "time_materials",
    "milestone",
    "time_materials",
    "retainer",
    "time_materials",
    "fixed_fee",
    "milestone",
    "time_materials",
    "time_materials",
    "retainer",
    "milestone",
    "time_materials",
    "fixed_fee",
    "time_materials",
    "milestone",
)
DAY_HOURS = (6.0, 6.5, 7.0, 7.5, 8.0, 8.0, 8.0)
SECOND_HOURS = (1.0, 1.5, 2.0, 3.0)
EXPENSE_STEPS = ("draft", "reported", "submitted", "approved", "posted")


def _quiet(env):
    return env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            mail_activity_quick_update=True,
            mail_auto_subscribe_no_notify=True,
            no_reset_password=True,
        )
    )
