"""``node(id:)`` end to end: the records the views point at, by their global ids.

The company is ``tests.handbuilt.company.harborview`` (read its docstring first); the figures
the views show for it, with the arithmetic, are ``tests.handbuilt.figures``, and the documents
and readers these tests share are ``tests.schema.books``. Every expected value is a literal worked
out by hand, with the arithmetic in a comment; nothing here calls the rules. Today is Friday
2026-11-20 (America/Los_Angeles); this week is Mon 11-16 .. Sun 11-22.
"""

from typing import Any

from tests.schema.books import QBO, Books, by_qbo_id, nodes, ok

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Bill { qboId docNumber vendorName dueDate totalAmount balance qboUrl }
    ... on Vendor { qboId displayName active qboUrl }
    ... on Invoice { qboId customerName dueDate balance billEmail qboUrl }
    ... on Customer { qboId displayName email qboUrl }
  }
}
"""


async def test_node_returns_the_records_the_views_point_at(books: Books) -> None:
    console = await books.console()
    tray = await books.tray(filter={"entityTypes": ["CUSTOMER"]})
    bill = by_qbo_id(console["bills"])["102"]
    invoice = by_qbo_id(console["collections"])["202"]
    [customer] = nodes(tray)

    async def node(value: str) -> Any:
        return ok(await books.api.query(NODE, books.token, id=value))["node"]

    assert await node(bill["id"]) == {
        "id": bill["id"],
        "qboId": "102",
        "docNumber": "102",
        "vendorName": "Gusto Payroll",
        "dueDate": "2026-11-20",
        "totalAmount": "4000.00",
        "balance": "4000.00",
        "qboUrl": f"{QBO}/app/bill?txnId=102",
    }
    assert await node(bill["vendorId"]) == {
        "id": bill["vendorId"],
        "qboId": "52",
        "displayName": "Gusto Payroll",
        "active": True,
        "qboUrl": f"{QBO}/app/vendordetail?nameId=52",
    }
    assert await node(invoice["id"]) == {
        "id": invoice["id"],
        "qboId": "202",
        "customerName": "Nova Labs",
        "dueDate": "2026-10-06",
        "balance": "5000.00",
        "billEmail": "billing@novalabs.example",
        "qboUrl": f"{QBO}/app/invoice?txnId=202",
    }
    assert await node(customer["id"]) == {
        "id": customer["id"],
        "qboId": "72",
        "displayName": "Harbor Gym",
        "email": None,
        "qboUrl": f"{QBO}/app/customerdetail?nameId=72",
    }
