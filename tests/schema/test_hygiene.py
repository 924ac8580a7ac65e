"""``hygieneTray`` end to end: real HTTP GraphQL over the hand-built books.

The company is ``tests.handbuilt.company.harborview`` (read its docstring first); the figures
the views show for it, with the arithmetic, are ``tests.handbuilt.figures``, and the documents
and readers these tests share are ``tests.schema.books``. Every expected value is a literal worked
out by hand, with the arithmetic in a comment; nothing here calls the rules. Today is Friday
2026-11-20 (America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.
"""

from typing import Any

import pytest

from schema.relay import global_id
from tests.handbuilt.company import LATE_BILL, harborview_update
from tests.handbuilt.figures import FLAGGED, TRAY_ORDER
from tests.schema.books import QBO, SYNCED_AT, Books, keys, nodes
from tests.schema.conftest import LoadCompanies


async def test_tray_flags_exactly_the_planted_problems(books: Books) -> None:
    tray = await books.tray(first=500)

    found = {
        (n["entityType"], n["qboId"], n["severity"], tuple(i["code"] for i in n["issues"]))
        for n in nodes(tray)
    }
    assert found == {(e, q, s, tuple(codes)) for e, q, s, codes, _ in FLAGGED}
    assert {(n["qboId"], n["amount"]) for n in nodes(tray)} == {(q, a) for _, q, _, _, a in FLAGGED}
    # items by worst severity: 4 HIGH, 6 MEDIUM, 2 LOW; issues: 12 items + bill 108's second = 13
    assert (tray["highCount"], tray["mediumCount"], tray["lowCount"]) == (4, 6, 2)
    assert tray["issueCount"] == 13
    assert tray["totalCount"] == 12
    # 700 + 600 + 450 + 450 + 1200 + 1200 + 300 + 0 + 0 + 0 + 900 + 900
    assert tray["amountAtStake"] == "6700.00"


async def test_tray_score_follows_the_documented_formula(books: Books) -> None:
    tray = await books.tray(first=1)

    # examined N = 14 bills (101-113 and 116: open, or zero total like 112; paid ones are not)
    #   + 5 open invoices (201-205)
    #   + 7 vendors: Acme, Gusto, Bright, Delta, IRS (active with open bills) and both Coastals
    #     (flagged); Old Printing is inactive
    #   + 3 customers with open invoices = 29
    assert tray["examinedCount"] == 29
    # penalty = 4 HIGH x 3 + 6 MEDIUM x 2 + 2 LOW x 1 = 26 (each item's worst issue only)
    # score = round(100 * (1 - 26 / (3 * 29))) = round(100 * 61 / 87) = round(70.11) = 70
    assert tray["score"] == 70


async def test_tray_is_worst_first_then_most_money(books: Books) -> None:
    tray = await books.tray(first=500)

    assert keys(tray) == TRAY_ORDER


async def test_tray_items_say_why_and_link_to_qbo(books: Books) -> None:
    tray = await books.tray(first=500)
    items = {(n["entityType"], n["qboId"]): n for n in nodes(tray)}

    assert tray["businessId"] == books.id
    assert tray["asOf"] == "2026-11-20"
    assert tray["dataSyncedAt"] == SYNCED_AT
    inactive = items[("BILL", "108")]
    assert inactive["label"] == "Bill 108 from Old Printing"
    assert inactive["counterpartyName"] == "Old Printing"
    assert inactive["dueDate"] == "2026-11-30"
    assert inactive["qboUrl"] == f"{QBO}/app/bill?txnId=108"
    assert inactive["issues"] == [
        {
            "code": "MISSING_VENDOR",
            "severity": "HIGH",
            "message": "Bill 108 is from Old Printing, who is inactive in QBO",
            "field": "vendor",
            "amount": "600.00",
            "relatedRecord": None,
        },
        {
            "code": "UNCATEGORIZED",
            "severity": "LOW",
            "message": 'Bill 108 from Old Printing has 1 line in "Uncategorized Expense" ($600.00)',
            "field": "lines",
            "amount": "600.00",
            "relatedRecord": None,
        },
    ]
    # Only the 100.00 line is at fault; the item's amount is the bill's open balance.
    [uncategorized] = items[("BILL", "103")]["issues"]
    assert uncategorized["amount"] == "100.00"
    assert uncategorized["message"] == (
        'Bill 103 from Acme Supply has 1 line in "Uncategorized Expense" ($100.00)'
    )
    termless = items[("VENDOR", "53")]
    assert termless["label"] == "Vendor Bright Office"
    assert termless["qboUrl"] == f"{QBO}/app/vendordetail?nameId=53"
    assert termless["issues"][0]["message"] == (
        "Bright Office has 2 open bills ($900.00) and no payment terms"
    )
    assert items[("CUSTOMER", "72")]["qboUrl"] == f"{QBO}/app/customerdetail?nameId=72"
    assert items[("INVOICE", "204")]["qboUrl"] == f"{QBO}/app/invoice?txnId=204"
    assert items[("INVOICE", "204")]["issues"][0]["message"] == (
        "Invoice 204 to Harbor Gym has no email, and neither has Harbor Gym: no reminder can go out"
    )
    assert items[("VENDOR", "55")]["issues"][0]["message"] == (
        'Coastal Paper Co has the same name as another active vendor: "Coastal Paper"'
    )
    duplicate = items[("BILL", "110")]["issues"][0]
    assert duplicate["message"] == (
        "Bill 110 from Bright Office may be a duplicate of Bill 109 from Bright Office "
        "($450.00, dated 2026-11-02, QBO id 109): same vendor and total, 3 days apart"
    )
    # The other record itself, to open it beside this one.
    assert duplicate["relatedRecord"] == {
        "id": items[("BILL", "109")]["id"],
        "entityType": "BILL",
        "qboId": "109",
        "label": "Bill 109 from Bright Office",
        "amount": "450.00",
        "txnDate": "2026-11-02",
        "qboUrl": f"{QBO}/app/bill?txnId=109",
    }


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        pytest.param(
            {"entityTypes": ["VENDOR", "CUSTOMER"]},
            [("CUSTOMER", "72"), ("VENDOR", "55"), ("VENDOR", "56"), ("VENDOR", "53")],
            id="entity-types",
        ),
        pytest.param(  # bill 108's second issue is enough to match
            {"codes": ["UNCATEGORIZED"]}, [("BILL", "108"), ("BILL", "103")], id="codes"
        ),
        pytest.param(
            {"codes": ["POSSIBLE_DUPLICATE", "STALE_OPEN"]},
            [("BILL", "113"), ("BILL", "109"), ("BILL", "110")],
            id="codes-any-of",
        ),
        pytest.param({"minSeverity": "HIGH"}, TRAY_ORDER[:4], id="min-severity-high"),
        pytest.param({"minSeverity": "MEDIUM"}, TRAY_ORDER[:10], id="min-severity-medium"),
        pytest.param(  # amounts >= 900.00: 1200, 1200, 900, 900 (113's 700 is not)
            {"minAmount": "900"},
            [("CUSTOMER", "72"), ("INVOICE", "204"), ("BILL", "103"), ("VENDOR", "53")],
            id="min-amount",
        ),
        pytest.param(
            {"counterparty": "coastal"}, [("VENDOR", "55"), ("VENDOR", "56")], id="counterparty"
        ),
        pytest.param(  # case-insensitive; the invoice's customer and the customer itself
            {"counterparty": "HARBOR"},
            [("CUSTOMER", "72"), ("INVOICE", "204")],
            id="counterparty-case",
        ),
        pytest.param(
            {"entityTypes": ["BILL"], "minSeverity": "MEDIUM", "minAmount": "300"},
            [("BILL", "113"), ("BILL", "108"), ("BILL", "109"), ("BILL", "110"), ("BILL", "111")],
            id="combined",
        ),
    ],
)
async def test_tray_filters(
    books: Books, wanted: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    tray = await books.tray(filter=wanted, first=500)

    assert keys(tray) == expected
    assert tray["totalCount"] == len(expected)
    # The score and counts describe the whole business, whatever the filter.
    assert (tray["score"], tray["highCount"], tray["mediumCount"]) == (70, 4, 6)


async def test_tray_filters_by_counterparty_id(books: Books) -> None:
    parties = await books.tray(filter={"entityTypes": ["VENDOR", "CUSTOMER"]})
    ids = {(n["entityType"], n["qboId"]): n["id"] for n in nodes(parties)}

    bright = await books.tray(filter={"counterpartyId": ids[("VENDOR", "53")]})
    harbor = await books.tray(filter={"counterpartyId": ids[("CUSTOMER", "72")]})
    nobody = await books.tray(filter={"counterpartyId": global_id("Vendor", 999_999)})

    # Bright Office's bills and the vendor record itself.
    assert keys(bright) == [("BILL", "109"), ("BILL", "110"), ("VENDOR", "53")]
    assert keys(harbor) == [("CUSTOMER", "72"), ("INVOICE", "204")]
    assert keys(nobody) == []


async def test_tray_cursors_hold_when_a_record_is_flagged_between_pages(
    books: Books, load_companies: LoadCompanies
) -> None:
    first = await books.tray(first=4)
    assert keys(first) == TRAY_ORDER[:4]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]

    # Bill 115 (800.00 from the inactive vendor: HIGH) sorts before everything seen so far.
    await load_companies([harborview_update({"Bill": [LATE_BILL]})])
    second = await books.tray(first=4, after=first["pageInfo"]["endCursor"])
    third = await books.tray(first=4, after=second["pageInfo"]["endCursor"])
    fresh = await books.tray(first=4)

    assert keys(second) == TRAY_ORDER[4:8]  # not 110 again, as an offset would give
    assert second["totalCount"] == 13
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    assert keys(third) == TRAY_ORDER[8:12]
    assert third["pageInfo"]["hasNextPage"] is False
    assert keys(fresh) == [("BILL", "115"), *TRAY_ORDER[:3]]
