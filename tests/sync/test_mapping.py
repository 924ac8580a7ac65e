"""The QBO JSON mapper on Intuit-shaped samples: exact money, UTC times, lines, problems."""

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from sync.errors import MappingError
from sync.mapping import (
    ENTITY_ORDER,
    MappedBatch,
    map_company_info,
    map_objects,
    parse_qbo_json,
)

# Shaped like the examples in Intuit's API reference (trimmed of addresses and phones).
SAMPLES_JSON = """{
 "Term": {"SyncToken": "0", "domain": "QBO", "Name": "2% 10 Net 30", "DiscountPercent": 2,
  "DiscountDays": 10, "Type": "STANDARD", "sparse": false, "Active": true, "DueDays": 30,
  "Id": "5", "MetaData": {"CreateTime": "2014-09-11T14:41:49-07:00",
  "LastUpdatedTime": "2014-09-11T14:41:49-07:00"}},
 "Account": {"FullyQualifiedName": "Checking", "domain": "QBO", "Name": "Checking",
  "Classification": "Asset", "AccountSubType": "Checking", "CurrencyRef": {"name":
  "United States Dollar", "value": "USD"}, "CurrentBalanceWithSubAccounts": 1201.00,
  "sparse": false, "MetaData": {"CreateTime": "2014-09-12T10:12:02-07:00",
  "LastUpdatedTime": "2015-06-30T15:09:07-07:00"}, "AccountType": "Bank",
  "CurrentBalance": 1201.00, "Active": true, "SyncToken": "0", "Id": "35", "SubAccount": false},
 "Vendor": {"PrimaryEmailAddr": {"Address": "Books@Intuit.com"}, "Vendor1099": false,
  "domain": "QBO", "GivenName": "Bessie", "DisplayName": "Books by Bessie", "SyncToken": "0",
  "PrintOnCheckName": "Books by Bessie", "FamilyName": "Williams", "AcctNum": "1345",
  "CompanyName": "Books by Bessie", "sparse": false, "Active": true, "Balance": 0, "Id": "30",
  "TermRef": {"value": "3"}, "MetaData": {"CreateTime": "2014-09-12T10:07:56-07:00",
  "LastUpdatedTime": "2014-09-17T11:13:46-07:00"}},
 "Customer": {"domain": "QBO", "FamilyName": "Lauterbach", "DisplayName": "Amy's Bird Sanctuary",
  "PrimaryEmailAddr": {"Address": "Birds@Intuit.com"}, "GivenName": "Amy", "Job": false,
  "FullyQualifiedName": "Amy's Bird Sanctuary", "BalanceWithJobs": 239.00, "Active": true,
  "MetaData": {"CreateTime": "2014-09-11T16:48:43-07:00",
  "LastUpdatedTime": "2014-09-18T12:56:01-07:00"}, "Taxable": true, "Balance": 239.00,
  "SyncToken": "3", "CompanyName": "Amy's Bird Sanctuary", "sparse": false, "Id": "1",
  "SalesTermRef": {"value": "3"}},
 "Bill": {"SyncToken": "2", "domain": "QBO", "APAccountRef": {"name": "Accounts Payable (A/P)",
  "value": "33"}, "VendorRef": {"name": "Norton Lumber and Building Materials", "value": "46"},
  "TxnDate": "2014-11-06", "TotalAmt": 103.55, "CurrencyRef": {"name": "United States Dollar",
  "value": "USD"}, "LinkedTxn": [{"TxnId": "118", "TxnType": "BillPaymentCheck"}],
  "SalesTermRef": {"value": "3"}, "DueDate": "2014-12-06", "sparse": false, "DocNumber": "56-A",
  "Line": [{"DetailType": "AccountBasedExpenseLineDetail", "Amount": 103.55, "Id": "1",
   "LineNum": 1, "AccountBasedExpenseLineDetail": {"TaxCodeRef": {"value": "TAX"},
   "AccountRef": {"name": "Job Expenses:Job Materials:Decks and Patios", "value": "64"},
   "BillableStatus": "Billable", "CustomerRef": {"name": "Travis Waldron", "value": "26"}},
   "Description": "Lumber"}],
  "Balance": 0, "Id": "25", "MetaData": {"CreateTime": "2014-11-06T15:37:25-08:00",
  "LastUpdatedTime": "2015-02-09T10:11:11-08:00"}},
 "Invoice": {"TxnDate": "2014-09-19", "domain": "QBO", "PrintStatus": "NeedToPrint",
  "SalesTermRef": {"value": "3"}, "TotalAmt": 362.07, "Line": [
   {"LineNum": 1, "Amount": 275.00, "SalesItemLineDetail": {"TaxCodeRef": {"value": "TAX"},
    "ItemRef": {"name": "Services", "value": "1"}}, "Id": "1", "DetailType": "SalesItemLineDetail",
    "Description": "Custom Design"},
   {"LineNum": 2, "Amount": 75.00, "SalesItemLineDetail": {"ItemRef": {"name": "Hours",
    "value": "2"}, "Qty": 5, "UnitPrice": 15}, "Id": "2", "DetailType": "SalesItemLineDetail"},
   {"DetailType": "SubTotalLineDetail", "Amount": 350.00, "SubTotalLineDetail": {}},
   {"DetailType": "DiscountLineDetail", "Amount": 14.75, "DiscountLineDetail":
    {"PercentBased": false}}],
  "DueDate": "2014-10-19", "ApplyTaxAfterDiscount": false, "DocNumber": "1037", "sparse": false,
  "CustomerMemo": {"value": "Thank you for your business and have a great day!"}, "Deposit": 0,
  "Balance": 362.07, "CustomerRef": {"name": "Sonnenschein Family Store", "value": "24"},
  "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}, "TotalTax": 26.82}, "SyncToken": "0",
  "LinkedTxn": [{"TxnId": "100", "TxnType": "Estimate"}], "BillEmail": {"Address":
  "Familiystore@intuit.com"}, "EmailStatus": "NotSet", "Id": "130",
  "MetaData": {"CreateTime": "2014-09-19T13:16:17-07:00",
  "LastUpdatedTime": "2014-09-19T13:16:17-07:00"}},
 "BillPayment": {"SyncToken": "0", "domain": "QBO", "VendorRef": {"name": "Books by Bessie",
  "value": "30"}, "TxnDate": "2015-07-14", "TotalAmt": 200.00, "PayType": "Check",
  "PrivateNote": "Acct. 1JK90", "sparse": false, "Line": [{"Amount": 200.00, "LinkedTxn":
  [{"TxnId": "234", "TxnType": "Bill"}]}, {"Amount": 25.00, "LinkedTxn": [{"TxnId": "12",
  "TxnType": "VendorCredit"}]}], "Id": "236", "CheckPayment": {"PrintStatus": "NeedToPrint",
  "BankAccountRef": {"name": "Checking", "value": "35"}}, "MetaData": {"CreateTime":
  "2015-07-14T12:34:04-07:00", "LastUpdatedTime": "2015-07-14T12:34:04-07:00"}},
 "Payment": {"SyncToken": "0", "domain": "QBO", "DepositToAccountRef": {"value": "4"},
  "UnappliedAmt": 10.00, "TxnDate": "2015-01-16", "TotalAmt": 65.00, "ProcessPayment": false,
  "sparse": false, "Line": [{"Amount": 55.00, "LinkedTxn": [{"TxnId": "70", "TxnType":
  "Invoice"}]}, {"Amount": 5.00, "LinkedTxn": [{"TxnId": "71", "TxnType": "CreditMemo"}]}],
  "CustomerRef": {"name": "Red Rock Diner", "value": "20"}, "Id": "163",
  "MetaData": {"CreateTime": "2015-01-16T15:08:12-08:00",
  "LastUpdatedTime": "2015-01-16T15:08:12-08:00"}},
 "Purchase": {"SyncToken": "0", "domain": "QBO", "TxnDate": "2015-07-27", "TotalAmt": 10.00,
  "PaymentType": "Cash", "sparse": false, "Line": [{"DetailType": "AccountBasedExpenseLineDetail",
  "Amount": 10.00, "Id": "1", "AccountBasedExpenseLineDetail": {"AccountRef": {"name":
  "Meals and Entertainment", "value": "13"}, "BillableStatus": "NotBillable"}}],
  "AccountRef": {"name": "Checking", "value": "35"}, "CustomField": [], "Id": "252",
  "MetaData": {"CreateTime": "2015-07-27T10:37:26-07:00",
  "LastUpdatedTime": "2015-07-27T10:37:26-07:00"}, "EntityRef": {"name": "Bob's Burger Joint",
  "value": "56", "type": "Vendor"}, "Credit": false}
}"""


def sample(entity: str) -> dict[str, Any]:
    """A fresh copy of the docs-shaped sample, parsed the way the client parses responses."""
    return copy.deepcopy(parse_qbo_json(SAMPLES_JSON)[entity])


def mapped(entity: str, *objects: Any) -> MappedBatch:
    return map_objects(entity, objects, business_id=7)


def only_row(batch: MappedBatch) -> dict[str, Any]:
    assert batch.problems == []
    assert len(batch.rows) == 1
    return batch.rows[0]


def lines_of(batch: MappedBatch, qbo_id: str) -> list[dict[str, Any]]:
    (child,) = batch.children
    return list(child.rows_by_parent[qbo_id])


def utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


EXPECTED_COLUMNS: dict[str, dict[str, Any]] = {
    "Term": {"name": "2% 10 Net 30", "active": True, "due_days": 30,
             "discount_percent": Decimal(2), "discount_days": 10},
    "Account": {"name": "Checking", "fully_qualified_name": "Checking", "account_type": "Bank",
                "account_sub_type": "Checking", "classification": "Asset",
                "current_balance": Decimal("1201.00"), "currency": "USD", "active": True},
    "Vendor": {"display_name": "Books by Bessie", "company_name": "Books by Bessie",
               "email": "Books@Intuit.com", "term_qbo_id": "3", "balance": Decimal(0),
               "active": True},
    "Customer": {"display_name": "Amy's Bird Sanctuary", "company_name": "Amy's Bird Sanctuary",
                 "email": "Birds@Intuit.com", "term_qbo_id": "3", "balance": Decimal("239.00"),
                 "active": True},
    "Bill": {"vendor_qbo_id": "46", "vendor_name": "Norton Lumber and Building Materials",
             "doc_number": "56-A", "txn_date": date(2014, 11, 6), "due_date": date(2014, 12, 6),
             "total_amt": Decimal("103.55"), "balance": Decimal(0), "currency": "USD",
             "term_qbo_id": "3", "ap_account_qbo_id": "33"},
    "Invoice": {"customer_qbo_id": "24", "customer_name": "Sonnenschein Family Store",
                "doc_number": "1037", "txn_date": date(2014, 9, 19), "due_date": date(2014, 10, 19),
                "total_amt": Decimal("362.07"), "balance": Decimal("362.07"), "currency": None,
                "bill_email": "Familiystore@intuit.com", "email_status": "NotSet",
                "term_qbo_id": "3"},
    "BillPayment": {"vendor_qbo_id": "30", "txn_date": date(2015, 7, 14),
                    "total_amt": Decimal("200.00"), "pay_type": "Check", "currency": None},
    "Payment": {"customer_qbo_id": "20", "txn_date": date(2015, 1, 16),
                "total_amt": Decimal("65.00"), "unapplied_amt": Decimal("10.00"),
                "currency": None},
    "Purchase": {"txn_date": date(2015, 7, 27), "total_amt": Decimal("10.00"),
                 "payment_type": "Cash", "account_qbo_id": "35", "entity_qbo_id": "56",
                 "entity_type": "Vendor", "currency": None, "credit": False},
}  # fmt: skip


@pytest.mark.parametrize("entity", ENTITY_ORDER)
def test_a_docs_sample_maps_to_every_column_of_its_table(entity: str) -> None:
    obj = sample(entity)
    batch = mapped(entity, obj)
    row = only_row(batch)

    assert set(row) == {c.name for c in batch.table.columns} - {"id"}
    assert {k: row[k] for k in EXPECTED_COLUMNS[entity]} == EXPECTED_COLUMNS[entity]
    assert row["business_id"] == 7
    assert row["qbo_id"] == obj["Id"]
    assert row["sync_token"] == int(obj["SyncToken"])
    assert row["deleted_at"] is None
    assert row["raw"] == obj
    for child in batch.children:
        for line in child.rows_by_parent[obj["Id"]]:
            assert set(line) == {c.name for c in child.table.columns} - {"id", child.parent_key}


def test_bill_lines_keep_account_and_item() -> None:
    bill = sample("Bill")
    bill["Line"].append(
        {
            "DetailType": "ItemBasedExpenseLineDetail",
            "Amount": Decimal("40.00"),
            "LineNum": 2,
            "ItemBasedExpenseLineDetail": {"ItemRef": {"value": "6", "name": "Materials"}},
        }
    )
    bill["Line"].append({"DetailType": "AccountBasedExpenseLineDetail", "Amount": 3})

    lines = lines_of(mapped("Bill", bill), "25")

    assert [(ln["account_qbo_id"], ln["item_qbo_id"], ln["amount"]) for ln in lines] == [
        ("64", None, Decimal("103.55")),
        (None, "6", Decimal("40.00")),
        (None, None, Decimal(3)),
    ]
    assert lines[0]["account_name"] == "Job Expenses:Job Materials:Decks and Patios"
    assert lines[0]["description"] == "Lumber"
    assert lines[1]["item_name"] == "Materials"
    assert {ln["business_id"] for ln in lines} == {7}


def test_a_bill_memo_lands_in_its_column_and_a_non_text_one_is_dropped_alone() -> None:
    bill = sample("Bill")
    bill["PrivateNote"] = "Late fee $25 after the 15th\x00"
    assert only_row(mapped("Bill", bill))["private_note"] == "Late fee $25 after the 15th"

    bill["PrivateNote"] = {"note": "not text"}
    row = only_row(mapped("Bill", bill))
    assert (row["private_note"], row["total_amt"]) == (None, Decimal("103.55"))


def test_invoice_lines_are_the_sales_lines_only() -> None:
    lines = lines_of(mapped("Invoice", sample("Invoice")), "130")

    assert [(ln["line_num"], ln["item_qbo_id"], ln["amount"]) for ln in lines] == [
        (1, "1", Decimal("275.00")),
        (2, "2", Decimal("75.00")),
    ]
    assert {ln["detail_type"] for ln in lines} == {"SalesItemLineDetail"}


def test_payment_lines_are_the_amounts_applied_to_bills_and_invoices() -> None:
    bill_payment_lines = lines_of(mapped("BillPayment", sample("BillPayment")), "236")
    payment_lines = lines_of(mapped("Payment", sample("Payment")), "163")

    assert bill_payment_lines == [
        {"bill_qbo_id": "234", "amount": Decimal("200.00"), "business_id": 7}
    ]
    assert payment_lines == [{"invoice_qbo_id": "70", "amount": Decimal("55.00"), "business_id": 7}]


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ('"0.10"', Decimal("0.10")),
        ("0.10", Decimal("0.10")),
        ("1234567.89", Decimal("1234567.89")),
        ("99999999999999.99", Decimal("99999999999999.99")),
        ("-0.01", Decimal("-0.01")),
        ("1e3", Decimal(1000)),
        ("42", Decimal(42)),
        ('" 17.5 "', Decimal("17.5")),
    ],
)
def test_money_from_the_wire_is_exact(wire: str, expected: Decimal) -> None:
    bill = sample("Bill")
    body = json.dumps(bill, default=str).replace('"TotalAmt": "103.55"', f'"TotalAmt": {wire}')

    row = only_row(mapped("Bill", parse_qbo_json(body)))

    assert type(row["total_amt"]) is Decimal
    assert row["total_amt"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10.1, Decimal("10.1")), (0.1, Decimal("0.1")), (1234567.89, Decimal("1234567.89"))],
)
def test_a_float_amount_becomes_the_decimal_it_was_written_as(
    value: float, expected: Decimal
) -> None:
    bill = sample("Bill")
    bill["TotalAmt"] = value

    assert only_row(mapped("Bill", bill))["total_amt"] == expected


def _floats(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


def _as_floats(value: Any) -> Any:
    """Every number as a float, as a client that forgot ``parse_float`` (and worse) would have."""
    if isinstance(value, dict):
        return {key: _as_floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_floats(item) for item in value]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("entity", ENTITY_ORDER)
def test_no_float_reaches_a_column_even_from_float_json(entity: str) -> None:
    obj = _as_floats(sample(entity))
    assert _floats(obj)

    batch = mapped(entity, obj)
    row = only_row(batch)

    assert _floats({k: v for k, v in row.items() if k != "raw"}) == []
    assert (
        _floats([line for child in batch.children for line in child.rows_by_parent[obj["Id"]]])
        == []
    )


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2015-07-24T10:35:08-07:00", utc(2015, 7, 24, 17, 35, 8)),
        ("2015-01-16T15:08:12-08:00", utc(2015, 1, 16, 23, 8, 12)),
        ("2015-12-31T20:00:00-08:00", utc(2016, 1, 1, 4, 0, 0)),
        ("2015-02-09T10:17:20.251-08:00", utc(2015, 2, 9, 18, 17, 20, 251000)),
        ("2015-02-09T18:17:20Z", utc(2015, 2, 9, 18, 17, 20)),
    ],
)
def test_timestamps_with_an_offset_become_aware_utc(stamp: str, expected: datetime) -> None:
    vendor = sample("Vendor")
    vendor["MetaData"]["LastUpdatedTime"] = stamp

    updated_at = only_row(mapped("Vendor", vendor))["qbo_updated_at"]

    assert updated_at == expected
    assert updated_at.utcoffset() is not None and updated_at.utcoffset().total_seconds() == 0


def test_missing_optional_fields_are_null() -> None:
    bill = {
        "Id": "9",
        "SyncToken": "0",
        "MetaData": {"LastUpdatedTime": "2015-02-09T10:11:11-08:00"},
        "TotalAmt": Decimal("12.00"),
        "Balance": Decimal("12.00"),
    }
    vendor = {"Id": "3", "DisplayName": "Bare", "MetaData": bill["MetaData"]}

    bill_batch = mapped("Bill", bill)
    bill_row = only_row(bill_batch)
    vendor_row = only_row(mapped("Vendor", vendor))

    for column in ("vendor_qbo_id", "vendor_name", "doc_number", "txn_date", "due_date",
                   "currency", "term_qbo_id", "ap_account_qbo_id"):  # fmt: skip
        assert bill_row[column] is None, column
    assert lines_of(bill_batch, "9") == []
    assert vendor_row["sync_token"] == 0  # no token: the oldest, never overwrites a real one
    assert (vendor_row["email"], vendor_row["balance"], vendor_row["active"]) == (None, None, True)


def test_unknown_fields_are_ignored_and_kept_in_raw() -> None:
    customer = sample("Customer")
    customer["CustomField"] = [{"DefinitionId": "1", "StringValue": "VIP", "Type": "StringType"}]
    customer["FutureThing"] = {"nested": [1, Decimal("2.5"), None]}

    row = only_row(mapped("Customer", customer))

    assert row["display_name"] == "Amy's Bird Sanctuary"
    assert row["raw"]["FutureThing"] == {"nested": [1, Decimal("2.5"), None]}
    assert row["raw"]["CustomField"][0]["StringValue"] == "VIP"


def test_deleted_cdc_entries_become_deletions_at_their_latest_time() -> None:
    page = parse_qbo_json(
        """[
        {"Id": "7", "status": "Deleted", "domain": "QBO",
         "MetaData": {"LastUpdatedTime": "2015-12-01T09:00:00-08:00"}},
        {"Id": "7", "status": "Deleted", "domain": "QBO",
         "MetaData": {"LastUpdatedTime": "2015-12-01T08:00:00-08:00"}},
        {"Id": "8", "status": "Deleted", "domain": "QBO"}
        ]"""
    )

    batch = map_objects("Invoice", [*page, sample("Invoice")], business_id=7)

    assert batch.deletions == {"7": utc(2015, 12, 1, 17, 0, 0)}
    assert [row["qbo_id"] for row in batch.rows] == ["130"]
    assert [(p.entity, p.qbo_id) for p in batch.problems] == [("Invoice", "8")]
    assert "MetaData" in batch.problems[0].reason


def _set(path: str, value: Any) -> Any:
    """A change to a sample: ``path`` like "Line.0.Amount" is set to ``value``, or removed."""

    def change(obj: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = obj
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        key: Any = int(last) if isinstance(target, list) else last
        if value is _REMOVE:
            del target[key]
        else:
            target[key] = value

    return change


_REMOVE = object()

MALFORMED = [
    ("Bill", "TotalAmt", "abc", "TotalAmt"),
    ("Bill", "TotalAmt", Decimal("NaN"), "TotalAmt"),
    ("Bill", "TotalAmt", Decimal("Infinity"), "TotalAmt"),
    ("Bill", "TotalAmt", float("nan"), "TotalAmt"),
    ("Bill", "TotalAmt", True, "TotalAmt"),
    ("Bill", "TotalAmt", _REMOVE, "TotalAmt"),
    ("Bill", "TotalAmt", "1.00001", "decimal places"),
    ("Bill", "TotalAmt", Decimal("1E+15"), "out of range"),
    ("Bill", "Balance", _REMOVE, "Balance"),
    ("Bill", "TxnDate", "2015-02-30", "TxnDate"),
    ("Bill", "DueDate", 20150101, "DueDate"),
    ("Bill", "Line", {"Amount": 1}, "Line"),
    ("Bill", "Line.0", "Lumber", "Line[0]"),
    ("Bill", "Line.0.Amount", _REMOVE, "Line[0].Amount"),
    ("Bill", "VendorRef", "46", "VendorRef"),
    ("Bill", "VendorRef.value", ["46"], "VendorRef.value"),
    ("Bill", "CurrencyRef.value", "USDX", "currency"),
    ("Bill", "SyncToken", "two", "SyncToken"),
    ("Bill", "MetaData", _REMOVE, "MetaData"),
    ("Bill", "MetaData.LastUpdatedTime", "2015-02-09T10:11:11", "offset"),
    ("Bill", "MetaData.LastUpdatedTime", "yesterday", "LastUpdatedTime"),
    ("Vendor", "DisplayName", _REMOVE, "DisplayName"),
    ("Vendor", "Active", "true", "Active"),
    ("Term", "DueDays", "thirty", "DueDays"),
    ("Invoice", "BillEmail", ["a@b.c"], "BillEmail"),
    ("BillPayment", "Line.0.LinkedTxn", {"TxnId": "234"}, "LinkedTxn"),
    ("Payment", "Line.0.Amount", "55,00", "Line[0].Amount"),
    ("Purchase", "Credit", 0, "Credit"),
]


@pytest.mark.parametrize(("entity", "path", "value", "named"), MALFORMED)
def test_a_malformed_object_is_reported_and_the_rest_maps(
    entity: str, path: str, value: Any, named: str
) -> None:
    bad = sample(entity)
    _set(path, value)(bad)
    first, last = sample(entity), sample(entity)
    first["Id"], last["Id"] = "1001", "1002"

    batch = mapped(entity, first, bad, last)

    assert [row["qbo_id"] for row in batch.rows] == ["1001", "1002"]
    (problem,) = batch.problems
    assert (problem.entity, problem.qbo_id) == (entity, bad["Id"])
    assert named in problem.reason
    assert bad["Id"] not in {child for c in batch.children for child in c.rows_by_parent}


@pytest.mark.parametrize("bad_id", [None, ["1"], 1.5, True, "", "  ", {"value": "1"}])
def test_an_unusable_id_is_reported_without_one(bad_id: Any) -> None:
    obj = sample("Account")
    obj["Id"] = bad_id

    batch = mapped("Account", obj, sample("Account"), "not an object")

    assert len(batch.rows) == 1
    assert [(p.qbo_id, p.reason.split(":")[0]) for p in batch.problems] == [
        (None, "Id"),
        (None, "object"),
    ]


def test_an_integer_id_is_taken_as_its_string() -> None:
    obj = sample("Term")
    obj["Id"] = 5

    assert only_row(mapped("Term", obj))["qbo_id"] == "5"


def test_long_strings_fit_their_columns_or_are_refused() -> None:
    vendor = sample("Vendor")
    vendor["DisplayName"] = "N" * 300
    vendor["PrimaryEmailAddr"] = {"Address": "x" * 250 + "@example.com"}
    account = sample("Account")
    account["FullyQualifiedName"] = "Parent:" * 200
    bill = sample("Bill")
    bill["VendorRef"]["value"] = "4" * 65

    vendor_row = only_row(mapped("Vendor", vendor))
    account_row = only_row(mapped("Account", account))
    bill_batch = mapped("Bill", bill)

    assert vendor_row["display_name"] == "N" * 255  # display text: truncated, whole in raw
    assert vendor_row["raw"]["DisplayName"] == "N" * 300
    assert vendor_row["email"] is None  # a cut address is a wrong address
    assert account_row["fully_qualified_name"] == ("Parent:" * 200)[:1024]
    assert bill_batch.rows == []  # ids are never cut
    assert "vendor_qbo_id" in bill_batch.problems[0].reason


def test_text_the_databases_refuse_is_cleaned_in_columns_and_raw() -> None:
    customer = sample("Customer")
    customer["DisplayName"] = "Amy\x00's \ud800Birds"
    customer["Notes"] = "nul\x00"
    customer["Score"] = float("inf")
    customer["Ratio"] = Decimal("NaN")

    row = only_row(mapped("Customer", customer))

    assert row["display_name"] == "Amy's \ufffdBirds"
    assert row["raw"]["Notes"] == "nul"
    assert (row["raw"]["Score"], row["raw"]["Ratio"]) == ("Infinity", "NaN")
    json.dumps(row["raw"], default=str, allow_nan=False).encode("utf-8")


def test_the_same_object_twice_in_a_page_keeps_the_newest_with_its_lines() -> None:
    def bill(token: str, stamp: str, amount: str) -> dict[str, Any]:
        obj = sample("Bill")
        obj["SyncToken"] = token
        obj["MetaData"]["LastUpdatedTime"] = stamp
        obj["Line"][0]["Amount"] = Decimal(amount)
        return obj

    batch = mapped(
        "Bill",
        bill("1", "2015-02-09T10:00:00-08:00", "1.00"),
        bill("3", "2015-02-09T09:00:00-08:00", "3.00"),
        bill("3", "2015-02-09T09:30:00-08:00", "3.30"),
        bill("2", "2015-02-09T11:00:00-08:00", "2.00"),
        bill("3", "2015-02-09T09:30:00-08:00", "3.31"),  # a tie changes nothing, as in the upsert
    )

    assert len(batch.rows) == 1
    assert batch.rows[0]["sync_token"] == 3
    assert batch.rows[0]["qbo_updated_at"] == utc(2015, 2, 9, 17, 30, 0)
    assert [line["amount"] for line in lines_of(batch, "25")] == [Decimal("3.30")]


JUNK: list[Any] = [None, "", "x", [], {}, [{}], True, 0, -1, 2**40, 1.5, Decimal("NaN"),
                   float("inf"), Decimal("1E+999999999"), Decimal("-1E-999999999"), "9" * 5000,
                   "\x00", {"value": []}, "2015-13-45"]  # fmt: skip


def _paths(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    paths = []
    for key, item in items:
        path = f"{prefix}{key}"
        paths.append(path)
        paths.extend(_paths(item, path + "."))
    return paths


@pytest.mark.parametrize("entity", ENTITY_ORDER)
def test_no_junk_value_anywhere_makes_the_mapper_raise(entity: str) -> None:
    for path in _paths(sample(entity)):
        for junk in JUNK:
            obj = sample(entity)
            _set(path, junk)(obj)
            batch = mapped(entity, obj)
            assert len(batch.rows) + len(batch.problems) == 1, (path, junk)
            for row in batch.rows:
                for column in batch.table.columns:
                    length = getattr(column.type, "length", None)
                    if length and row[column.name] is not None:
                        assert len(row[column.name]) <= length, (path, junk)


def test_company_info_gives_the_business_columns() -> None:
    info = parse_qbo_json(
        """{"SyncToken": "4", "domain": "QBO", "CompanyName": "Larry's Bakery",
        "LegalName": "Larry's Bakery LLC", "Country": "US", "SupportedLanguages": "en",
        "CompanyAddr": {"City": "Mountain View", "Country": "US", "PostalCode": "94043"},
        "Email": {"Address": "donotreply@intuit.com"}, "FiscalYearStartMonth": "January",
        "DefaultTimeZone": "America/Los_Angeles", "Id": "1",
        "MetaData": {"CreateTime": "2015-06-05T13:55:54-07:00"}}"""
    )

    assert map_company_info(info) == {
        "name": "Larry's Bakery",
        "legal_name": "Larry's Bakery LLC",
        "company_email": "donotreply@intuit.com",
        "country": "US",
        "timezone": "America/Los_Angeles",
    }
    assert map_company_info({"CompanyName": "Bare", "DefaultTimeZone": "Mars/Olympus"}) == {
        "name": "Bare"
    }
    assert map_company_info({"CompanyName": "B", "CompanyAddr": {"Country": "CA"}}) == {
        "name": "B",
        "country": "CA",
    }
    with pytest.raises(MappingError, match="CompanyName"):
        map_company_info({"LegalName": "No display name"})


def test_an_unknown_entity_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="Estimate"):
        map_objects("Estimate", [], business_id=1)


def test_parse_qbo_json_takes_bytes_and_keeps_amounts_exact() -> None:
    parsed = parse_qbo_json(b'{"QueryResponse": {"Bill": [{"TotalAmt": 0.10}], "maxResults": 1}}')

    assert parsed["QueryResponse"]["Bill"][0]["TotalAmt"] == Decimal("0.10")
    assert type(parsed["QueryResponse"]["maxResults"]) is int


@pytest.mark.parametrize("typo", ["0001-01-02", "0202-11-20", "2602-11-20", "9999-12-31"])
def test_dates_outside_any_books_are_reported_not_stored(typo: str) -> None:
    good = {
        "Id": "1",
        "SyncToken": "0",
        "MetaData": {"LastUpdatedTime": "2026-11-20T09:00:00-08:00"},
        "TxnDate": "2026-11-01",
        "DueDate": "2026-12-01",
        "TotalAmt": 10,
        "Balance": 10,
    }
    batch = map_objects("Bill", [good, {**good, "Id": "2", "DueDate": typo}], business_id=1)
    assert [row["qbo_id"] for row in batch.rows] == ["1"]
    assert [(p.qbo_id, "DueDate" in p.reason) for p in batch.problems] == [("2", True)]
    assert "out of range" in batch.problems[0].reason
