"""What the views show for the hand-built books (``tests.handbuilt.company.harborview``).

Every figure is a literal worked out by hand, with the arithmetic in a comment, spelled as GraphQL
answers it: dates in ISO form, decimals as strings, enums by name. Today is Friday 2026-11-20
(America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.

The figures most of those below build on:

- cash = Checking 30,000.00 + Savings 12,000.00 = 42,000.00 (inactive Old Checking and the credit
  card are not cash); 15% of cash = 6,300.00.
- weekly net burn = (bill payments 14,200.00 + purchases 6,500.00 - customer payments 2,500.00)
  / 13 = 18,200.00 / 13 = 1,400.00 (the 999.00 purchase of 08-21 is a day outside the window);
  a day of burn = 200.00, so runway impact in days = amount / 200.
- runway at the trailing burn = 42,000 / 1,400 = 30.0 weeks: HEALTHY on its own (>= 13).
- but the forecast (below) closes below zero in the week of 12-21 (bill 116, 45,000): cash-zero
  date 2026-12-21, 31 days = 4.4 weeks from today: WARNING. The status everywhere is the worse:
  WARNING, decided by the forecast. Covered until = the earlier of today + 210 days (2027-06-18)
  and the day before the cash-zero date: 2026-12-20.
- a WARNING business has no "healthy runway": no bill gets DUE_LATER_HEALTHY_RUNWAY.
- baseline spend = purchases 6,500.00 / 13 = 500.00 a week.
- bill priority = urgency (overdue 50, due within 3 days 40, else 30 * (30 - days) / 27)
  + size 30 * amount / 6,300 (capped at 30) + critical vendor 20, rounded half up.
- invoice priority = 50 * amount / 6,300 (capped) + 50 * days overdue / 90 (capped), half up.
"""

# ---------------------------------------------------------------------------------------------
# Hygiene tray

# Every flagged record, worst first, then most money at stake, then entity type and QBO id:
# (entity type, QBO id, worst severity, issue codes, amount at stake = open balance, or the open
# documents' total for a vendor or customer).
FLAGGED = [
    ("BILL", "113", "HIGH", ["STALE_OPEN"], "700.00"),  # due 07-23: 120 > 90 days past due
    ("BILL", "108", "HIGH", ["MISSING_VENDOR", "UNCATEGORIZED"], "600.00"),  # inactive vendor
    ("BILL", "109", "HIGH", ["POSSIBLE_DUPLICATE"], "450.00"),  # same vendor/total, 3 days apart
    ("BILL", "110", "HIGH", ["POSSIBLE_DUPLICATE"], "450.00"),
    ("CUSTOMER", "72", "MEDIUM", ["NO_CONTACT_EMAIL"], "1200.00"),  # Harbor Gym: invoice 204
    ("INVOICE", "204", "MEDIUM", ["NO_CONTACT_EMAIL"], "1200.00"),  # CUSTOMER < INVOICE on a tie
    ("BILL", "111", "MEDIUM", ["MISSING_DUE_DATE"], "300.00"),
    ("BILL", "112", "MEDIUM", ["ZERO_AMOUNT"], "0.00"),
    ("VENDOR", "55", "MEDIUM", ["DUPLICATE_NAME"], "0.00"),  # "Coastal Paper Co" ~ "Coastal Paper"
    ("VENDOR", "56", "MEDIUM", ["DUPLICATE_NAME"], "0.00"),  # (no open bills: nothing at stake)
    ("BILL", "103", "LOW", ["UNCATEGORIZED"], "900.00"),  # 100.00 of 900.00 uncategorized
    ("VENDOR", "53", "LOW", ["MISSING_TERMS"], "900.00"),  # Bright Office: bills 109 + 110
]
TRAY_ORDER = [(entity, qbo_id) for entity, qbo_id, *_ in FLAGGED]


# ---------------------------------------------------------------------------------------------
# Decision console

# Ready bills, highest priority first:
# (QBO id, group, action, signals, priority, due, days until due, urgency, latest safe pay date,
#  recommended pay date, runway impact days = amount / 200, critical vendor)
READY_BILLS = [
    # 40 (due today) + 30 * 4000 / 6300 = 19.05 + 20 (critical) = 79.05
    ("102", "MUST_PAY", "PAY_NOW", ["DUE_SOON", "CRITICAL_VENDOR"], 79,
     "2026-11-20", 0, "DUE_SOON", "2026-11-20", "2026-11-20", "20.0", True),
    # 50 (overdue) + 30 * 1500 / 6300 = 7.14 -> 57.14; due 11-15 - 3 = 11-12, never before today
    ("101", "MUST_PAY", "PAY_NOW", ["OVERDUE"], 57,
     "2026-11-15", -5, "OVERDUE", "2026-11-20", "2026-11-20", "7.5", False),
    # 30 * (30 - 20) / 27 = 11.11 + 30 * 3000 / 6300 = 14.29 + 20 = 45.40: critical, never DELAY
    ("106", "MUST_PAY", "SCHEDULE", ["CRITICAL_VENDOR"], 45,
     "2026-12-10", 20, "UPCOMING", "2026-12-07", "2026-12-07", "15.0", True),
    # 40 (due in 3) + 30 * 900 / 6300 = 4.29 -> 44.29; 11-23 - 3 = today
    ("103", "MUST_PAY", "PAY_NOW", ["DUE_SOON"], 44,
     "2026-11-23", 3, "DUE_SOON", "2026-11-20", "2026-11-20", "4.5", False),
    # 30 * 5 / 27 = 5.56 + 30 * 5000 / 6300 = 23.81 -> 29.37; pay by 11-25 - 3 = 11-22
    ("107", "SCHEDULED", "SCHEDULE", ["TAKE_DISCOUNT"], 29,
     "2026-12-15", 25, "UPCOMING", "2026-12-12", "2026-11-22", "25.0", False),
    # 11.11 + 30 * 3500 / 6300 = 16.67 -> 27.78; due in 20 > 14 days, but the status is WARNING
    # (the forecast): no reason to wait, nothing urgent: SCHEDULEd on its latest safe pay date
    ("105", "SCHEDULED", "SCHEDULE", [], 28,
     "2026-12-10", 20, "UPCOMING", "2026-12-07", "2026-12-07", "17.5", False),
    # 30 * 23 / 27 = 25.56 + 30 * 80 / 6300 = 0.38 -> 25.94; 80 <= 10% of 1,400 burn
    ("104", "CAN_DELAY", "DELAY", ["SMALL_VS_BURN"], 26,
     "2026-11-27", 7, "UPCOMING", "2026-11-24", "2026-11-24", "0.4", False),
]  # fmt: skip
# Not ready: 108 (inactive vendor), 109/110 (duplicates), 113 (stale): a HIGH issue each; 111 (no
# due date); 112 (zero); 116 (due in 31 days, past the 30-day horizon).

# Invoices ready for collection, highest priority first: (QBO id, priority, action, days overdue,
# urgency, aging bucket, contact, expected collection date, runway impact days, amount).
# Invoice 204 is overdue but has no email anywhere: not ready for collection.
COLLECTIONS = [
    # 50 * 5000 / 6300 = 39.68 + 50 * 45 / 90 = 25 -> 64.68; more than 30 days: ESCALATE
    ("202", 65, "ESCALATE", 45, "OVERDUE", "DAYS_31_60", "billing@novalabs.example",
     "2026-11-20", "25.0", "5000.00"),
    # 50 * 2000 / 6300 = 15.87 + 50 * 75 / 90 = 41.67 -> 57.54; more than 60 days: CALL
    ("203", 58, "CALL", 75, "OVERDUE", "DAYS_61_90", "billing@novalabs.example",
     "2026-11-20", "10.0", "2000.00"),
    # 50 * 3000 / 6300 = 23.81 + 50 * 10 / 90 = 5.56 -> 29.37; the customer's email
    ("201", 29, "REMIND", 10, "OVERDUE", "DAYS_1_30", "owner@bluecafe.example",
     "2026-11-20", "15.0", "3000.00"),
    # 50 * 2500 / 6300 = 19.84; due in 5 <= 7 days; Blue Cafe pays 7 days late: 11-25 + 7
    ("205", 20, "REMIND", 0, "DUE_SOON", "CURRENT", "ap@bluecafe.example",
     "2026-12-02", "12.5", "2500.00"),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Digest

# Forecast weeks (start, end, opening, collections, bills, baseline spend, closing).
# Collections: 201 (due 11-10 + Blue Cafe's 7 days = 11-17, passed: today), 202, 203 and 204
# (overdue, no history: today) in week 1 = 3000 + 5000 + 2000 + 1200 = 11,200; 205 (11-25 + 7 =
# 12-02) in week 3 = 2,500.
# Bills on their due date, never before today: week 1 = 101 (overdue) 1500 + 102 4000 + 111 (no
# due date; dated 11-18) 300 + 113 (stale, still owed) 700 = 6,500; week 2 = 103 900 + 104 80 =
# 980; week 3 = 108 600 + 109 450 + 110 450 = 1,500; week 4 = 105 3500 + 106 3000 = 6,500;
# week 5 = 107 5,000 (on its due date: no decision yet); week 6 = 116 45,000.
# Baseline: week 1 only has Fri..Sun left: 500 * 3 / 7 = 214.29; then 500.00 a week.
FORECAST = [
    ("2026-11-16", "2026-11-22", "42000.00", "11200.00", "6500.00", "214.29", "46485.71"),
    ("2026-11-23", "2026-11-29", "46485.71", "0.00", "980.00", "500.00", "45005.71"),
    ("2026-11-30", "2026-12-06", "45005.71", "2500.00", "1500.00", "500.00", "45505.71"),
    ("2026-12-07", "2026-12-13", "45505.71", "0.00", "6500.00", "500.00", "38505.71"),
    ("2026-12-14", "2026-12-20", "38505.71", "0.00", "5000.00", "500.00", "33005.71"),
    ("2026-12-21", "2026-12-27", "33005.71", "0.00", "45000.00", "500.00", "-12494.29"),
    ("2026-12-28", "2027-01-03", "-12494.29", "0.00", "0.00", "500.00", "-12994.29"),
    ("2027-01-04", "2027-01-10", "-12994.29", "0.00", "0.00", "500.00", "-13494.29"),
    ("2027-01-11", "2027-01-17", "-13494.29", "0.00", "0.00", "500.00", "-13994.29"),
    ("2027-01-18", "2027-01-24", "-13994.29", "0.00", "0.00", "500.00", "-14494.29"),
    ("2027-01-25", "2027-01-31", "-14494.29", "0.00", "0.00", "500.00", "-14994.29"),
    ("2027-02-01", "2027-02-07", "-14994.29", "0.00", "0.00", "500.00", "-15494.29"),
    ("2027-02-08", "2027-02-14", "-15494.29", "0.00", "0.00", "500.00", "-15994.29"),
]
