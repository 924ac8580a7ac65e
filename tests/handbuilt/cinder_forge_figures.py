"""What the views show for Cinder Forge (``tests.handbuilt.cinder_forge``), a business in a crunch.

Every figure is a literal worked out by hand, with the arithmetic in a comment, spelled as GraphQL
answers it (dates in ISO form, decimals as strings, enums by name). Today is Friday 2026-11-20
(America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.

The figures the others build on:

- cash = Checking 1,162.50; 15% of cash = 174.375 (a bill above it is LARGE_VS_CASH).
- weekly net burn = (bill payments 3,750.00 + purchases 1,300.00 - customer payments 500.00) / 13
  = 4,550.00 / 13 = 350.00; a day of burn = 50.00, so a bill's days of burn = amount / 50.
- runway = 1,162.50 / 350.00 = 3.3214... -> 3.3 weeks (half up to 0.1): CRITICAL on its own
  (under 4). Runway days = 3.3 * 7 = 23.1; today + floor(23.1) = 11-20 + 23 days = 12-13.
- baseline spend = purchases 1,300.00 / 13 = 100.00 a week.
- the forecast (below) first closes below zero in week 3, Mon 11-30: cash-zero date 2026-11-30,
  10 days away = 1.4 weeks: CRITICAL too. Both measures are CRITICAL; the forecast ends first
  (11-30 before 12-13), so it is the basis: status CRITICAL, statusBasis FORECAST.
- covered until = the earlier of 12-13 (the runway) and 11-29 (the day before the cash-zero
  date) = 2026-11-29.
- a CRITICAL business has no "healthy runway": no bill gets DUE_LATER_HEALTHY_RUNWAY.
- bill priority = urgency (overdue 50, due within 3 days 40, else 30 * (30 - days) / 27)
  + size 30 * amount / 174.375 (capped at 30) + critical vendor 20, rounded half up.
- runway impact = amount / 50 days, at most the whole runway, 23.1 days.
"""

CASH = "1162.50"
WEEKLY_NET_BURN = "350.00"
RUNWAY_WEEKS = "3.3"
CASH_ZERO_DATE = "2026-11-30"
COVERED_UNTIL = "2026-11-29"
STATUS = "CRITICAL"
STATUS_BASIS = "FORECAST"
STATUS_REASON = "CRITICAL: the forecast goes below zero the week of 2026-11-30"
HEADLINE = "cash runs out the week of 2026-11-30"
SUBJECT = (
    "Runway · Cinder Forge · week of 16 Nov: CRITICAL, cash runs out the week of Mon 30 Nov 2026"
)
"""The e-mail's subject: the same headline with the e-mail's long date of the week's Monday."""

# ---------------------------------------------------------------------------------------------
# Decision console

# Every open bill is ready (active vendors with terms, due dates, no hygiene issue, due within
# 30 days), highest priority first:
# (QBO id, group, action, signals, priority, due, days until due, urgency, latest safe pay date,
#  recommended pay date, runway impact days, critical vendor)
READY_BILLS = [
    # 50 (overdue) + 30 (420.00 > 174.375: capped) = 80; due 11-14 - 3 = 11-11, never before
    # today: pay today. 420 / 50 = 8.4 days.
    ("701", "MUST_PAY", "PAY_NOW", ["OVERDUE", "LARGE_VS_CASH"], 80,
     "2026-11-14", -6, "OVERDUE", "2026-11-20", "2026-11-20", "8.4", False),
    # 30 * (30 - 10) / 27 = 22.22 + 30 (1,250 > 174.375) + 20 (rent) = 72.22; 11-30 - 3 = 11-27.
    # 1,250 / 50 = 25.0 days of burn, more than the whole runway: capped at 23.1.
    ("703", "MUST_PAY", "SCHEDULE", ["CRITICAL_VENDOR", "LARGE_VS_CASH"], 72,
     "2026-11-30", 10, "UPCOMING", "2026-11-27", "2026-11-27", "23.1", True),
    # 40 (due in 2 days) + 30 * 150 / 174.375 = 25.81 -> 65.81; 11-22 - 3 = 11-19 < today.
    ("702", "MUST_PAY", "PAY_NOW", ["DUE_SOON"], 66,
     "2026-11-22", 2, "DUE_SOON", "2026-11-20", "2026-11-20", "3.0", False),
    # 30 * (30 - 12) / 27 = 20.00 + 30 * 120 / 174.375 = 20.65 -> 40.65; the memo says
    # "interest": LATE_FEE, must pay; 12-02 - 3 = 11-29. 120 / 50 = 2.4 days.
    ("705", "MUST_PAY", "SCHEDULE", ["LATE_FEE"], 41,
     "2026-12-02", 12, "UPCOMING", "2026-11-29", "2026-11-29", "2.4", False),
    # 30 * (30 - 20) / 27 = 11.11 + 30 * 30 / 174.375 = 5.16 -> 16.27; 30.00 <= 10% of a week's
    # burn (35.00): SMALL_VS_BURN, the only signal: CAN_DELAY. 30 / 50 = 0.6 days.
    ("704", "CAN_DELAY", "DELAY", ["SMALL_VS_BURN"], 16,
     "2026-12-10", 20, "UPCOMING", "2026-12-07", "2026-12-07", "0.6", False),
]  # fmt: skip

# One reason per signal, in the signals' order, then the verdict.
LATEST = "the latest safe pay date (3 days before it is due)"
REASONS = {
    "701": [
        "Overdue by 6 days",
        "$420.00 is more than 15% of cash ($1,162.50)",
        "Must be paid: pay today",
    ],
    "703": [
        "Foundry Lane Properties is a critical vendor (properties)",
        "$1,250.00 is more than 15% of cash ($1,162.50)",
        f"Must be paid, and a critical vendor is never delayed: pay on 2026-11-27, {LATEST}",
    ],
    "702": ["Due in 2 days", "Must be paid: pay today"],
    "705": [
        'Paying late may cost a late fee (the bill mentions "interest")',
        f"Must be paid: pay on 2026-11-29, {LATEST}",
    ],
    "704": [
        "$30.00 is at most 10% of a week's net burn ($350.00)",
        f"Can wait: pay by 2026-12-07, {LATEST}",
    ],
}

SUMMARY = {
    "mustPayCount": 4,
    "mustPayAmount": "1940.00",  # 420 + 1,250 + 150 + 120
    "canDelayCount": 1,
    "canDelayAmount": "30.00",  # 704
    "scheduledCount": 0,
    "scheduledAmount": "0.00",
    "toCollectCount": 0,  # no open invoices
    "toCollectAmount": "0.00",
    "discountSavings": "0.00",  # Net 30 everywhere: no discount
}

# The pay plan: the MUST_PAY bills in the console's order, the running balance after each,
# (QBO id, amount, cash after, funded).
PAY_PLAN_STEPS = [
    ("701", "420.00", "742.50", True),  # 1,162.50 - 420.00
    ("703", "1250.00", "-507.50", False),  # 742.50 - 1,250.00: the rent is the first unfunded
    # 702 (150.00) would fit in the 742.50 left, but the plan never skips the more urgent rent
    # to pay a smaller bill: it is unfunded too.
    ("702", "150.00", "-657.50", False),  # -507.50 - 150.00
    ("705", "120.00", "-777.50", False),  # -657.50 - 120.00
]
MUST_PAY_AMOUNT = "1940.00"  # 420 + 1,250 + 150 + 120
FUNDED_COUNT = 1
FUNDED_AMOUNT = "420.00"  # 701
FIRST_UNFUNDED = "703"
SHORTFALL = "777.50"  # max(0, 1,940.00 - 1,162.50): the last step's cash after, negated

# ---------------------------------------------------------------------------------------------
# Digest

# Forecast weeks (start, end, opening, collections, bills, baseline spend, closing).
# No open invoices: no collections. Bills on their due date, never before today: week 1 = 701
# (overdue) 420 + 702 (11-22) 150 = 570; week 3 = 703 (11-30) 1,250 + 705 (12-02) 120 = 1,370;
# week 4 = 704 (12-10) 30. Baseline: week 1 has Fri..Sun left, 100 * 3 / 7 = 42.86; then 100.00.
FORECAST = [
    ("2026-11-16", "2026-11-22", "1162.50", "0.00", "570.00", "42.86", "549.64"),
    ("2026-11-23", "2026-11-29", "549.64", "0.00", "0.00", "100.00", "449.64"),
    ("2026-11-30", "2026-12-06", "449.64", "0.00", "1370.00", "100.00", "-1020.36"),
    ("2026-12-07", "2026-12-13", "-1020.36", "0.00", "30.00", "100.00", "-1150.36"),
    ("2026-12-14", "2026-12-20", "-1150.36", "0.00", "0.00", "100.00", "-1250.36"),
    ("2026-12-21", "2026-12-27", "-1250.36", "0.00", "0.00", "100.00", "-1350.36"),
    ("2026-12-28", "2027-01-03", "-1350.36", "0.00", "0.00", "100.00", "-1450.36"),
    ("2027-01-04", "2027-01-10", "-1450.36", "0.00", "0.00", "100.00", "-1550.36"),
    ("2027-01-11", "2027-01-17", "-1550.36", "0.00", "0.00", "100.00", "-1650.36"),
    ("2027-01-18", "2027-01-24", "-1650.36", "0.00", "0.00", "100.00", "-1750.36"),
    ("2027-01-25", "2027-01-31", "-1750.36", "0.00", "0.00", "100.00", "-1850.36"),
    ("2027-02-01", "2027-02-07", "-1850.36", "0.00", "0.00", "100.00", "-1950.36"),
    ("2027-02-08", "2027-02-14", "-1950.36", "0.00", "0.00", "100.00", "-2050.36"),
]

# Payables: five open bills, 1,970.00; 701 is 6 days past due (1-30), the rest not yet due.
# Due this week (today to Sunday 11-22): 702. Receivables: nothing open, every bucket zero.
PAYABLES = {
    "openCount": 5,
    "openAmount": "1970.00",  # 420 + 150 + 1,250 + 30 + 120
    "dueThisWeekCount": 1,
    "dueThisWeekAmount": "150.00",  # 702
    "overdueCount": 1,
    "overdueAmount": "420.00",  # 701
    "aging": [
        {"bucket": "CURRENT", "count": 4, "amount": "1550.00"},  # 150 + 1,250 + 30 + 120
        {"bucket": "DAYS_1_30", "count": 1, "amount": "420.00"},
        {"bucket": "DAYS_31_60", "count": 0, "amount": "0.00"},
        {"bucket": "DAYS_61_90", "count": 0, "amount": "0.00"},
        {"bucket": "DAYS_90_PLUS", "count": 0, "amount": "0.00"},
    ],
}

# The forecast through the cash-zero week (weeks 1-3, to Sunday 12-06): bills 570 + 0 + 1,370 =
# 1,940.00, other spending 42.86 + 100 + 100 = 242.86, collections none; then the runway itself,
# CRITICAL at 3.3 weeks. No bill of a critical vendor is overdue (703 is due in 10 days).
ALERTS = [
    {
        "code": "CASH_ZERO",
        "level": "CRITICAL",
        "message": "Cash runs out the week of 2026-11-30: $1,940.00 of bills and $242.86 of "
        "other spending fall due by 2026-12-06, against $1,162.50 in the bank and $0.00 of "
        "expected collections",
    },
    {
        "code": "LOW_RUNWAY",
        "level": "CRITICAL",
        "message": "Runway is 3.3 weeks: $1,162.50 in the bank against a net burn of $350.00 a "
        "week",
    },
]
