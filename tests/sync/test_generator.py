"""The fake QBO company generator: deterministic, exact money, coherent books, recorded flaws.

The flaw tests run an independent reading of the docs/design.md#the-rules hygiene rules over the
generated JSON and demand that it finds exactly the recorded flaws: nothing recorded is missing its
defect, and no ordinary object trips a rule by accident. Rules whose scope docs/design.md leaves
open (all documents or only open ones; how hard names are normalised) are checked both ways.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from sync.fakeqbo import (
    FLAW_RATES,
    CompanySize,
    GeneratedCompany,
    generate_companies,
    generate_company,
)
from sync.mapping import ENTITY_ORDER

AS_OF = date(2026, 11, 20)
SIZES = {"small": CompanySize.small(), "realistic": CompanySize.realistic()}
CATCH_ALL_ACCOUNTS = {"Uncategorized Expense", "Ask My Accountant"}
LEGAL_WORDS = {"inc", "llc", "co", "corp", "company", "ltd", "the", "group", "and"}
STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(-0[78]:00)$")


def company(seed: int = 7, index: int = 0, size: str = "realistic") -> GeneratedCompany:
    return generate_company(seed=seed, index=index, as_of=AS_OF, size=SIZES[size])


def dumped(generated: GeneratedCompany) -> str:
    return json.dumps(generated.__dict__, default=str, sort_keys=False)


def walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item)


def by_id(generated: GeneratedCompany, entity: str) -> dict[str, dict[str, Any]]:
    return {obj["Id"]: obj for obj in generated.entities[entity]}


def day(text: str) -> date:
    return date.fromisoformat(text)


def is_open(doc: dict[str, Any]) -> bool:
    return bool(doc["Balance"] > 0)


def normalised(name: str, *, aggressive: bool) -> str:
    words = re.split(r"[^a-z0-9]+", name.casefold())
    return " ".join(w for w in words if w and not (aggressive and w in LEGAL_WORDS))


def hygiene(generated: GeneratedCompany, *, broad: bool) -> set[tuple[str, str, str]]:
    """docs/design.md#the-rules read independently; ``broad`` applies each rule to every document
    and normalises names aggressively, otherwise rules look at open documents only."""
    vendors = by_id(generated, "Vendor")
    customers = by_id(generated, "Customer")
    accounts = by_id(generated, "Account")
    found: set[tuple[str, str, str]] = set()
    for entity, party_key in (("Bill", "VendorRef"), ("Invoice", "CustomerRef")):
        docs = [d for d in generated.entities[entity] if broad or is_open(d)]
        for doc in docs:
            if doc["TotalAmt"] == 0:
                found.add(("ZERO_AMOUNT", entity, doc["Id"]))
            if "DueDate" not in doc:
                found.add(("MISSING_DUE_DATE", entity, doc["Id"]))
            elif doc["DueDate"] < doc["TxnDate"]:
                found.add(("DUE_BEFORE_TXN", entity, doc["Id"]))
            elif is_open(doc) and (AS_OF - day(doc["DueDate"])).days > 90:
                found.add(("STALE_OPEN", entity, doc["Id"]))
        for first in docs:
            for second in docs:
                if first is second:
                    continue
                same_doc = first.get("DocNumber") and first.get("DocNumber") == second.get(
                    "DocNumber"
                )
                party = first.get(party_key, {}).get("value")
                same_total = (
                    party is not None
                    and party == second.get(party_key, {}).get("value")
                    and first["TotalAmt"] == second["TotalAmt"]
                    and abs((day(first["TxnDate"]) - day(second["TxnDate"])).days) <= 7
                )
                if same_doc or same_total:
                    found.add(("POSSIBLE_DUPLICATE", entity, first["Id"]))
    for bill in generated.entities["Bill"]:
        if not (broad or is_open(bill)):
            continue
        vendor = vendors.get(bill.get("VendorRef", {}).get("value", ""))
        if vendor is None or not vendor["Active"]:
            found.add(("MISSING_VENDOR", "Bill", bill["Id"]))
        for line in bill["Line"]:
            detail = line.get(line["DetailType"], {})
            target = detail.get("AccountRef") or detail.get("ItemRef")
            if target is None or (
                "AccountRef" in detail and accounts[target["value"]]["Name"] in CATCH_ALL_ACCOUNTS
            ):
                found.add(("UNCATEGORIZED", "Bill", bill["Id"]))
    for invoice in generated.entities["Invoice"]:
        customer = customers[invoice["CustomerRef"]["value"]]
        if (broad or is_open(invoice)) and "BillEmail" not in invoice:
            if "PrimaryEmailAddr" not in customer:
                found.add(("NO_CONTACT_EMAIL", "Invoice", invoice["Id"]))
                found.add(("NO_CONTACT_EMAIL", "Customer", customer["Id"]))
    open_by_vendor = {
        b["VendorRef"]["value"]
        for b in generated.entities["Bill"]
        if is_open(b) and "VendorRef" in b
    }
    for vendor in vendors.values():
        if vendor["Active"] and "TermRef" not in vendor and vendor["Id"] in open_by_vendor:
            found.add(("MISSING_TERMS", "Vendor", vendor["Id"]))
    for entity in ("Vendor", "Customer"):
        groups: dict[str, list[str]] = defaultdict(list)
        for party in generated.entities[entity]:
            if party["Active"]:
                groups[normalised(party["DisplayName"], aggressive=broad)].append(party["Id"])
        for ids in groups.values():
            if len(ids) > 1:
                found.update(("DUPLICATE_NAME", entity, qbo_id) for qbo_id in ids)
    return found


def recorded(generated: GeneratedCompany) -> set[tuple[str, str, str]]:
    return {
        (code, entity, qbo_id) for code, objs in generated.flaws.items() for entity, qbo_id in objs
    }


def half_up(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_UP))


def expected_counts(size: CompanySize) -> dict[tuple[str, str], int]:
    def single(code: str, population: int) -> int:
        return max(1, half_up(Decimal(str(FLAW_RATES[code])) * population))

    def paired(code: str, population: int) -> int:
        return 2 * max(1, half_up(Decimal(str(FLAW_RATES[code])) * population / 2))

    counts = {
        ("MISSING_VENDOR", "Bill"): single("MISSING_VENDOR", size.bills),
        ("UNCATEGORIZED", "Bill"): single("UNCATEGORIZED", size.bills),
        ("POSSIBLE_DUPLICATE", "Bill"): paired("POSSIBLE_DUPLICATE", size.bills),
        ("POSSIBLE_DUPLICATE", "Invoice"): paired("POSSIBLE_DUPLICATE", size.invoices),
        ("NO_CONTACT_EMAIL", "Customer"): single("NO_CONTACT_EMAIL", size.customers),
        ("NO_CONTACT_EMAIL", "Invoice"): single("NO_CONTACT_EMAIL", size.customers),
        ("MISSING_TERMS", "Vendor"): single("MISSING_TERMS", size.vendors),
        ("DUPLICATE_NAME", "Vendor"): paired("DUPLICATE_NAME", size.vendors),
        ("DUPLICATE_NAME", "Customer"): paired("DUPLICATE_NAME", size.customers),
    }
    for code in ("ZERO_AMOUNT", "MISSING_DUE_DATE", "DUE_BEFORE_TXN", "STALE_OPEN"):
        counts[(code, "Bill")] = single(code, size.bills)
        counts[(code, "Invoice")] = single(code, size.invoices)
    return counts


# --- determinism and shape -------------------------------------------------------------------


def test_same_inputs_give_byte_identical_companies() -> None:
    assert dumped(company(seed=3, index=2)) == dumped(company(seed=3, index=2))


def test_seed_and_index_each_change_the_company() -> None:
    base = dumped(company(seed=3, index=2))
    assert dumped(company(seed=4, index=2)) != base
    assert dumped(company(seed=3, index=3)) != base


def test_generate_companies_is_generate_company_per_index() -> None:
    many = generate_companies(count=3, seed=11, as_of=AS_OF, size=CompanySize.small())
    assert [dumped(c) for c in many] == [dumped(company(11, i, "small")) for i in range(3)]
    assert len({c.realm_id for c in many}) == 3
    assert len({c.name for c in many}) == 3


def test_company_identity_fields() -> None:
    generated = company(seed=5, index=42)
    assert re.fullmatch(r"\d{16}", generated.realm_id)
    assert generated.home_currency == "USD"
    assert generated.timezone.startswith("America/")
    info = generated.company_info
    assert info["CompanyName"] == generated.name
    assert info["DefaultTimeZone"] == generated.timezone
    assert info["Email"]["Address"].endswith("@example.com")
    assert {"Id", "SyncToken", "LegalName", "Country", "CompanyAddr", "MetaData"} <= set(info)
    timezones = {company(seed=5, index=i, size="small").timezone for i in range(12)}
    assert len(timezones) > 1


@pytest.mark.parametrize("size_name", list(SIZES))
def test_volumes_follow_company_size(size_name: str) -> None:
    size = SIZES[size_name]
    entities = company(size=size_name).entities
    assert tuple(entities) == ENTITY_ORDER
    assert len(entities["Vendor"]) == size.vendors
    assert len(entities["Customer"]) == size.customers
    assert len(entities["Bill"]) == size.bills
    assert len(entities["Invoice"]) == size.invoices
    banks = [a for a in entities["Account"] if a["AccountType"] == "Bank"]
    assert len(banks) == size.bank_accounts
    assert size.history_weeks // 2 <= len(entities["Purchase"]) <= 3 * size.history_weeks
    oldest = min(day(p["TxnDate"]) for p in entities["Purchase"])
    assert AS_OF - oldest <= timedelta(weeks=size.history_weeks)


def test_custom_size_is_honoured_and_tiny_sizes_are_refused() -> None:
    size = CompanySize(vendors=40, customers=12, bills=300, invoices=7, bank_accounts=6)
    entities = generate_company(seed=1, index=0, as_of=AS_OF, size=size).entities
    assert [len(entities[e]) for e in ("Vendor", "Customer", "Bill", "Invoice")] == [40, 12, 300, 7]
    assert sum(a["AccountType"] == "Bank" for a in entities["Account"]) == 6
    with pytest.raises(ValueError):
        CompanySize(vendors=3)
    with pytest.raises(ValueError):
        CompanySize(bank_accounts=0)


def test_chart_of_accounts_and_terms() -> None:
    generated = company()
    names = {a["Name"]: a for a in generated.entities["Account"]}
    assert CATCH_ALL_ACCOUNTS <= set(names)
    types = {a["AccountType"] for a in names.values()}
    assert {"Bank", "Accounts Payable", "Accounts Receivable", "Expense", "Income"} <= types
    assert {"Cost of Goods Sold", "Credit Card"} <= types
    terms = {t["Name"]: t for t in generated.entities["Term"]}
    assert {"Net 30", "Net 15", "Due on receipt", "2% 10 Net 30"} <= set(terms)
    discount = terms["2% 10 Net 30"]
    assert (discount["DiscountPercent"], discount["DiscountDays"], discount["DueDays"]) == (
        Decimal("2.00"),
        10,
        30,
    )


def test_realistic_company_has_critical_vendors() -> None:
    names = " | ".join(v["DisplayName"] for v in company().entities["Vendor"])
    for marker in ("Payroll", "Properties LLC", "Insurance", "Loan"):
        assert marker in names
    assert re.search(r"IRS|Tax|Revenue", names)
    assert re.search(r"PG&E|Utilities|Power", names)


# --- exactness -------------------------------------------------------------------------------


@pytest.mark.parametrize("size_name", list(SIZES))
def test_no_float_anywhere_and_money_has_two_places(size_name: str) -> None:
    generated = company(seed=21, size=size_name)
    values = list(walk(generated.__dict__))
    assert not [v for v in values if isinstance(v, float)]
    decimals = [v for v in values if isinstance(v, Decimal)]
    assert decimals
    assert {d.as_tuple().exponent for d in decimals} == {-2}


def test_line_amounts_sum_to_totals() -> None:
    entities = company(seed=8).entities
    for entity in ("Bill", "Purchase", "BillPayment", "Payment"):
        for doc in entities[entity]:
            assert sum(line["Amount"] for line in doc["Line"]) == doc["TotalAmt"], doc["Id"]
    for invoice in entities["Invoice"]:
        items = [line for line in invoice["Line"] if line["DetailType"] == "SalesItemLineDetail"]
        subtotal = [line for line in invoice["Line"] if line["DetailType"] == "SubTotalLineDetail"]
        assert sum(line["Amount"] for line in items) == invoice["TotalAmt"]
        assert [line["Amount"] for line in subtotal] == [invoice["TotalAmt"]]
        assert invoice["Line"][-1] is subtotal[0]
        for line in items:
            detail = line["SalesItemLineDetail"]
            assert detail["Qty"] * detail["UnitPrice"] == line["Amount"]


@pytest.mark.parametrize("entity", ENTITY_ORDER)
def test_ids_are_unique_numeric_and_rise_with_creation(entity: str) -> None:
    objects = company(seed=9).entities[entity]
    ids = [int(obj["Id"]) for obj in objects]
    assert ids == list(range(1, len(objects) + 1))
    for obj in objects:
        assert obj["domain"] == "QBO" and obj["sparse"] is False
        assert obj["SyncToken"] in {"0", "1", "2", "3"}
    if entity in ("Bill", "Invoice", "BillPayment", "Payment", "Purchase"):
        created = [
            (obj["MetaData"]["CreateTime"][:10], obj["MetaData"]["CreateTime"][11:19])
            for obj in objects
        ]
        assert created == sorted(created)


def test_timestamps_are_pacific_and_never_after_as_of() -> None:
    generated = company(seed=10)
    for entity in ENTITY_ORDER:
        for obj in generated.entities[entity]:
            created, updated = obj["MetaData"]["CreateTime"], obj["MetaData"]["LastUpdatedTime"]
            for stamp in (created, updated):
                match = STAMP.match(stamp)
                assert match, stamp
                stamp_day = day(match.group(1))
                assert stamp_day <= AS_OF
                summer = date(stamp_day.year, 3, 15) <= stamp_day <= date(stamp_day.year, 10, 31)
                winter = stamp_day.month in (12, 1, 2)
                if summer or winter:
                    assert match.group(2) == ("-07:00" if summer else "-08:00"), stamp
            assert updated[:19] >= created[:19]
            if "TxnDate" in obj:
                assert day(obj["TxnDate"]) <= AS_OF


def test_references_resolve() -> None:
    generated = company(seed=12)
    vendors, customers = by_id(generated, "Vendor"), by_id(generated, "Customer")
    accounts, terms = by_id(generated, "Account"), by_id(generated, "Term")
    for bill in generated.entities["Bill"]:
        if "VendorRef" in bill:
            assert vendors[bill["VendorRef"]["value"]]["DisplayName"] == bill["VendorRef"]["name"]
        assert accounts[bill["APAccountRef"]["value"]]["AccountType"] == "Accounts Payable"
        if "SalesTermRef" in bill:
            assert bill["SalesTermRef"]["value"] in terms
    for invoice in generated.entities["Invoice"]:
        customer = customers[invoice["CustomerRef"]["value"]]
        assert customer["DisplayName"] == invoice["CustomerRef"]["name"]
    for vendor in vendors.values():
        assert "TermRef" not in vendor or vendor["TermRef"]["value"] in terms
    for purchase in generated.entities["Purchase"]:
        account = accounts[purchase["AccountRef"]["value"]]
        assert account["AccountType"] == (
            "Credit Card" if purchase["PaymentType"] == "CreditCard" else "Bank"
        )
        assert purchase["Credit"] is False
        if "EntityRef" in purchase:
            assert purchase["EntityRef"]["value"] in vendors
            assert purchase["EntityRef"]["type"] == "Vendor"


# --- books that add up -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "payment", "party_key"),
    [("Bill", "BillPayment", "VendorRef"), ("Invoice", "Payment", "CustomerRef")],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_balances_match_payments(document: str, payment: str, party_key: str, seed: int) -> None:
    generated = company(seed=seed)
    docs = by_id(generated, document)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for pay in generated.entities[payment]:
        assert pay[party_key]["value"]
        for line in pay["Line"]:
            (link,) = line["LinkedTxn"]
            assert link["TxnType"] == document
            target = docs[link["TxnId"]]
            assert target[party_key]["value"] == pay[party_key]["value"]
            assert day(target["TxnDate"]) <= day(pay["TxnDate"]) <= AS_OF
            paid[link["TxnId"]] += line["Amount"]
    statuses = set()
    for doc in docs.values():
        assert doc["Balance"] == doc["TotalAmt"] - paid[doc["Id"]]
        assert 0 <= doc["Balance"] <= doc["TotalAmt"]
        statuses.add("paid" if doc["Balance"] == 0 else "partial" if paid[doc["Id"]] else "open")
    assert (
        statuses == {"paid", "partial", "open"}
        if document == "Bill"
        else {"paid", "open"} <= statuses
    )
    parties = by_id(generated, "Vendor" if document == "Bill" else "Customer")
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for doc in docs.values():
        if party_key in doc:
            owed[doc[party_key]["value"]] += doc["Balance"]
    for party in parties.values():
        assert party["Balance"] == owed[party["Id"]]
    ledger = "Accounts Payable" if document == "Bill" else "Accounts Receivable"
    (account,) = [a for a in generated.entities["Account"] if a["AccountType"] == ledger]
    assert account["CurrentBalance"] == sum(doc["Balance"] for doc in docs.values())


def test_open_bills_fall_due_around_as_of() -> None:
    generated = company(seed=13)
    flawed = {
        qbo_id for objs in generated.flaws.values() for entity, qbo_id in objs if entity == "Bill"
    }
    offsets = [
        (day(bill["DueDate"]) - AS_OF).days
        for bill in generated.entities["Bill"]
        if is_open(bill) and bill["Id"] not in flawed
    ]
    assert len(offsets) >= 20
    assert all(-90 <= offset <= 60 for offset in offsets)
    assert sum(-30 <= offset <= 30 for offset in offsets) > len(offsets) / 2
    totals = [bill["TotalAmt"] for bill in generated.entities["Bill"]]
    assert min(t for t in totals if t) < 1_000 and max(totals) > 10_000


def test_customers_have_lateness_habits() -> None:
    generated = company(seed=14)
    invoices = by_id(generated, "Invoice")
    delays: dict[str, list[int]] = defaultdict(list)
    for pay in generated.entities["Payment"]:
        invoice = invoices[pay["Line"][0]["LinkedTxn"][0]["TxnId"]]
        delays[pay["CustomerRef"]["value"]].append(
            (day(pay["TxnDate"]) - day(invoice["DueDate"])).days
        )
    habits = [sum(d) / len(d) for d in delays.values() if len(d) >= 2]
    assert any(habit <= 3 for habit in habits)
    assert any(habit >= 10 for habit in habits)


def test_runways_vary_from_critical_to_healthy() -> None:
    runways = []
    for index in range(24):
        entities = company(seed=15, index=index).entities
        start = AS_OF - timedelta(days=90)
        out = sum(
            obj["TotalAmt"]
            for entity in ("BillPayment", "Purchase")
            for obj in entities[entity]
            if day(obj["TxnDate"]) >= start
        )
        received = sum(p["TotalAmt"] for p in entities["Payment"] if day(p["TxnDate"]) >= start)
        cash = sum(a["CurrentBalance"] for a in entities["Account"] if a["AccountType"] == "Bank")
        assert cash >= 0
        weekly_burn = (out - received) / 13
        runways.append(cash / weekly_burn if weekly_burn > 0 else Decimal("Infinity"))
    assert any(weeks < 4 for weeks in runways)
    assert any(4 <= weeks < 13 for weeks in runways)
    assert any(weeks >= 13 for weeks in runways)


# --- recorded flaws --------------------------------------------------------------------------


@pytest.mark.parametrize("size_name", list(SIZES))
def test_every_flaw_code_is_present_at_its_documented_rate(size_name: str) -> None:
    generated = company(seed=16, size=size_name)
    assert set(generated.flaws) == set(FLAW_RATES)
    assert all(generated.flaws.values())
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for code, objs in generated.flaws.items():
        assert len(objs) == len(set(objs))
        for entity, _ in objs:
            counts[(code, entity)] += 1
    assert dict(counts) == expected_counts(SIZES[size_name])


@pytest.mark.parametrize("size_name", list(SIZES))
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_independent_hygiene_reading_finds_exactly_the_recorded_flaws(
    size_name: str, seed: int
) -> None:
    generated = company(seed=seed, index=seed, size=size_name)
    assert hygiene(generated, broad=True) == recorded(generated)


def test_flaws_hold_when_rules_only_look_at_open_documents() -> None:
    generated = company(seed=17)
    expected = {flaw for flaw in recorded(generated) if flaw[0] != "ZERO_AMOUNT"}
    assert hygiene(generated, broad=False) == expected


def test_flawed_documents_are_open_except_zero_amounts() -> None:
    generated = company(seed=18)
    docs = {entity: by_id(generated, entity) for entity in ("Bill", "Invoice")}
    for code, objs in generated.flaws.items():
        for entity, qbo_id in objs:
            if entity in docs:
                assert is_open(docs[entity][qbo_id]) == (code != "ZERO_AMOUNT"), (code, qbo_id)


def test_flaw_variants_are_all_exercised() -> None:
    generated = company(seed=19)
    bills, vendors = by_id(generated, "Bill"), by_id(generated, "Vendor")
    missing = [bills[i] for _, i in generated.flaws["MISSING_VENDOR"]]
    assert any("VendorRef" not in bill for bill in missing)
    assert any(
        "VendorRef" in bill and not vendors[bill["VendorRef"]["value"]]["Active"]
        for bill in missing
    )
    duplicates = [bills[i] for e, i in generated.flaws["POSSIBLE_DUPLICATE"] if e == "Bill"]
    doc_numbers = [bill.get("DocNumber") for bill in duplicates]
    assert any(number and doc_numbers.count(number) == 2 for number in doc_numbers)
    totals = [bill["TotalAmt"] for bill in duplicates]
    assert any(totals.count(total) == 2 for total in totals)
    lines = [line for _, i in generated.flaws["UNCATEGORIZED"] for line in bills[i]["Line"]]
    refs = [line["AccountBasedExpenseLineDetail"].get("AccountRef") for line in lines]
    assert None in refs
    assert CATCH_ALL_ACCOUNTS <= {ref["name"] for ref in refs if ref}
    names = [
        vendors[i]["DisplayName"] for e, i in generated.flaws["DUPLICATE_NAME"] if e == "Vendor"
    ]
    assert len(set(names)) == len(names) == 2


# --- varied companies (the demo's) -------------------------------------------------------------


def varied(seed: int, index: int, size: str = "realistic") -> GeneratedCompany:
    return generate_company(seed=seed, index=index, as_of=AS_OF, size=SIZES[size], varied=True)


def flaw_total(generated: GeneratedCompany) -> int:
    return sum(len(objs) for objs in generated.flaws.values())


def test_varied_companies_differ_in_size_and_flaws_and_stay_reproducible() -> None:
    fleet = [varied(7, index) for index in range(8)]
    assert dumped(varied(7, 3)) == dumped(fleet[3])
    assert len({len(c.entities["Bill"]) for c in fleet}) == 8
    assert len({flaw_total(c) for c in fleet}) >= 6
    assert len({len(c.flaws["STALE_OPEN"]) for c in fleet}) >= 3
    # Some companies are spared a flaw altogether; the fleet as a whole still shows every code.
    assert any(not objs for c in fleet for objs in c.flaws.values())
    assert all(any(c.flaws[code] for c in fleet) for code in FLAW_RATES)
    # Not varied, the same seed and index give the company every test counts on.
    assert dumped(company(seed=7, index=3)) != dumped(fleet[3])
    assert dumped(generate_company(seed=7, index=3, as_of=AS_OF)) == dumped(company(7, 3))


@pytest.mark.parametrize("size_name", list(SIZES))
@pytest.mark.parametrize("index", range(6))
def test_independent_hygiene_reading_finds_exactly_the_flaws_of_varied_companies(
    size_name: str, index: int
) -> None:
    generated = varied(seed=21, index=index, size=size_name)
    assert hygiene(generated, broad=True) == recorded(generated)
    expected = {flaw for flaw in recorded(generated) if flaw[0] != "ZERO_AMOUNT"}
    assert hygiene(generated, broad=False) == expected
