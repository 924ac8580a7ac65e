"""One mapping per QBO entity: which QBO fields fill which mirror columns, and what a line is.

Each ``_<entity>`` function returns the entity's own columns; the columns every mirrored table
shares (``qbo_id``, ``sync_token``, ``raw``…) are filled once, in ``batch.py``. Decisions:

- **Balance is required on Bill and Invoice.** QBO always sends it; without it we cannot tell an
  open bill from a paid one, and either guess (0 or TotalAmt) would feed a wrong pay-or-chase
  decision, so the object is reported instead.
- **Lines.** ``bill_line`` keeps expense lines (``AccountBasedExpenseLineDetail``,
  ``ItemBasedExpenseLineDetail``); ``invoice_line`` keeps sales lines (``SalesItemLineDetail``,
  ``GroupLineDetail``). Subtotal, discount and description-only lines are skipped: they are not a
  sale of their own, and summing them would double count (a subtotal repeats its lines) or count
  with the wrong sign (a discount's amount is positive but subtracts). Payment and BillPayment
  lines keep the part applied to an Invoice or a Bill (``LinkedTxn``); credits and journal entries
  applied in the same payment are skipped. Everything skipped stays in ``raw``.
- **Over-long strings** are fitted per column in ``columns.py``: display text truncated, emails
  dropped, ids and codes refused.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel

from domains.tables import (
    Account,
    Bill,
    BillLine,
    BillPayment,
    BillPaymentLine,
    Customer,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentLine,
    Purchase,
    Term,
    Vendor,
)
from sync.errors import MalformedValue
from sync.mapping.columns import ColumnLimit, Row, fit, limits_of
from sync.mapping.fields import (
    child,
    clean_text,
    email,
    flag,
    identifier,
    integer,
    money,
    qbo_date,
    ref,
    ref_id,
    required_money,
    required_text,
    text,
)

QboObject = Mapping[str, Any]


def lines(obj: QboObject) -> Iterator[tuple[str, QboObject]]:
    """``Line[]`` as (field path, line) pairs; a missing list is no lines."""
    value = obj.get("Line")
    if value is None:
        return
    if type(value) is not list:
        raise MalformedValue("Line", "not a list")
    for index, line in enumerate(value):
        where = f"Line[{index}]"
        if not isinstance(line, Mapping):
            raise MalformedValue(where, "not an object")
        yield where, line


def _term(obj: QboObject) -> Row:
    return {
        "name": required_text(obj.get("Name"), "Name"),
        "active": flag(obj.get("Active"), "Active", default=True),
        "due_days": integer(obj.get("DueDays"), "DueDays"),
        "discount_percent": money(obj.get("DiscountPercent"), "DiscountPercent"),
        "discount_days": integer(obj.get("DiscountDays"), "DiscountDays"),
    }


def _account(obj: QboObject) -> Row:
    return {
        "name": required_text(obj.get("Name"), "Name"),
        "fully_qualified_name": text(obj.get("FullyQualifiedName"), "FullyQualifiedName"),
        "account_type": text(obj.get("AccountType"), "AccountType"),
        "account_sub_type": text(obj.get("AccountSubType"), "AccountSubType"),
        "classification": text(obj.get("Classification"), "Classification"),
        "current_balance": money(obj.get("CurrentBalance"), "CurrentBalance"),
        "currency": ref_id(obj, "CurrencyRef"),
        "active": flag(obj.get("Active"), "Active", default=True),
    }


def _contact(obj: QboObject, term_ref: str) -> Row:
    return {
        "display_name": required_text(obj.get("DisplayName"), "DisplayName"),
        "company_name": text(obj.get("CompanyName"), "CompanyName"),
        "email": email(obj, "PrimaryEmailAddr"),
        "term_qbo_id": ref_id(obj, term_ref),
        "balance": money(obj.get("Balance"), "Balance"),
        "active": flag(obj.get("Active"), "Active", default=True),
    }


def _vendor(obj: QboObject) -> Row:
    return _contact(obj, "TermRef")


def _customer(obj: QboObject) -> Row:
    return _contact(obj, "SalesTermRef")


def _bill(obj: QboObject) -> Row:
    vendor_id, vendor_name = ref(obj, "VendorRef")
    return {
        "vendor_qbo_id": vendor_id,
        "vendor_name": vendor_name,
        "doc_number": text(obj.get("DocNumber"), "DocNumber"),
        "txn_date": qbo_date(obj.get("TxnDate"), "TxnDate"),
        "due_date": qbo_date(obj.get("DueDate"), "DueDate"),
        "total_amt": required_money(obj.get("TotalAmt"), "TotalAmt"),
        "balance": required_money(obj.get("Balance"), "Balance"),
        "currency": ref_id(obj, "CurrencyRef"),
        "term_qbo_id": ref_id(obj, "SalesTermRef"),
        "ap_account_qbo_id": ref_id(obj, "APAccountRef"),
        "private_note": _memo(obj.get("PrivateNote")),
    }


def _memo(value: object) -> str | None:
    """A memo only adds wording for the late-fee rule: one that isn't text is dropped, not the
    bill with it."""
    return clean_text(value) or None if isinstance(value, str) else None


_BILL_LINE_LIMITS = limits_of(BillLine)


def _bill_lines(obj: QboObject) -> list[Row]:
    rows = []
    for where, line in lines(obj):
        detail_type = line.get("DetailType")
        if detail_type == "AccountBasedExpenseLineDetail":
            account_id, account_name = ref(child(line, detail_type), "AccountRef")
            item_id, item_name = None, None
        elif detail_type == "ItemBasedExpenseLineDetail":
            item_id, item_name = ref(child(line, detail_type), "ItemRef")
            account_id, account_name = None, None
        else:
            continue
        row = {
            "line_num": integer(line.get("LineNum"), f"{where}.LineNum"),
            "detail_type": detail_type,
            "amount": required_money(line.get("Amount"), f"{where}.Amount"),
            "description": text(line.get("Description"), f"{where}.Description"),
            "account_qbo_id": account_id,
            "account_name": account_name,
            "item_qbo_id": item_id,
            "item_name": item_name,
        }
        rows.append(fit(row, _BILL_LINE_LIMITS, f"{where}."))
    return rows


def _invoice(obj: QboObject) -> Row:
    customer_id, customer_name = ref(obj, "CustomerRef")
    return {
        "customer_qbo_id": customer_id,
        "customer_name": customer_name,
        "doc_number": text(obj.get("DocNumber"), "DocNumber"),
        "txn_date": qbo_date(obj.get("TxnDate"), "TxnDate"),
        "due_date": qbo_date(obj.get("DueDate"), "DueDate"),
        "total_amt": required_money(obj.get("TotalAmt"), "TotalAmt"),
        "balance": required_money(obj.get("Balance"), "Balance"),
        "currency": ref_id(obj, "CurrencyRef"),
        "bill_email": email(obj, "BillEmail"),
        "email_status": text(obj.get("EmailStatus"), "EmailStatus"),
        "term_qbo_id": ref_id(obj, "SalesTermRef"),
    }


_INVOICE_LINE_LIMITS = limits_of(InvoiceLine)
_SALES_LINE_ITEM = {"SalesItemLineDetail": "ItemRef", "GroupLineDetail": "GroupItemRef"}


def _invoice_lines(obj: QboObject) -> list[Row]:
    rows = []
    for where, line in lines(obj):
        detail_type = line.get("DetailType")
        if type(detail_type) is not str or detail_type not in _SALES_LINE_ITEM:
            continue
        item_key = _SALES_LINE_ITEM[detail_type]
        item_id, item_name = ref(child(line, detail_type), item_key)
        row = {
            "line_num": integer(line.get("LineNum"), f"{where}.LineNum"),
            "detail_type": detail_type,
            "amount": required_money(line.get("Amount"), f"{where}.Amount"),
            "description": text(line.get("Description"), f"{where}.Description"),
            "item_qbo_id": item_id,
            "item_name": item_name,
        }
        rows.append(fit(row, _INVOICE_LINE_LIMITS, f"{where}."))
    return rows


def _applied_lines(
    obj: QboObject, txn_type: str, column: str, limits: tuple[ColumnLimit, ...]
) -> list[Row]:
    """The amount of each payment line applied to a ``txn_type``, one row per line.

    QBO links one transaction per payment line; were a line to list several, only the first of the
    wanted type is kept, since the line's amount cannot be split between them.
    """
    rows = []
    for where, line in lines(obj):
        linked = line.get("LinkedTxn")
        if linked is None:
            continue
        if type(linked) is not list:
            raise MalformedValue(f"{where}.LinkedTxn", "not a list")
        for position, txn in enumerate(linked):
            if not isinstance(txn, Mapping):
                raise MalformedValue(f"{where}.LinkedTxn[{position}]", "not an object")
            if txn.get("TxnType") != txn_type:
                continue
            txn_id = txn.get("TxnId")
            row = {
                column: None
                if txn_id is None or txn_id == ""
                else identifier(txn_id, f"{where}.LinkedTxn[{position}].TxnId"),
                "amount": required_money(line.get("Amount"), f"{where}.Amount"),
            }
            rows.append(fit(row, limits, f"{where}."))
            break
    return rows


_BILL_PAYMENT_LINE_LIMITS = limits_of(BillPaymentLine)
_PAYMENT_LINE_LIMITS = limits_of(PaymentLine)


def _bill_payment(obj: QboObject) -> Row:
    return {
        "vendor_qbo_id": ref_id(obj, "VendorRef"),
        "txn_date": qbo_date(obj.get("TxnDate"), "TxnDate"),
        "total_amt": required_money(obj.get("TotalAmt"), "TotalAmt"),
        "pay_type": text(obj.get("PayType"), "PayType"),
        "currency": ref_id(obj, "CurrencyRef"),
    }


def _bill_payment_lines(obj: QboObject) -> list[Row]:
    return _applied_lines(obj, "Bill", "bill_qbo_id", _BILL_PAYMENT_LINE_LIMITS)


def _payment(obj: QboObject) -> Row:
    return {
        "customer_qbo_id": ref_id(obj, "CustomerRef"),
        "txn_date": qbo_date(obj.get("TxnDate"), "TxnDate"),
        "total_amt": required_money(obj.get("TotalAmt"), "TotalAmt"),
        "unapplied_amt": money(obj.get("UnappliedAmt"), "UnappliedAmt"),
        "currency": ref_id(obj, "CurrencyRef"),
    }


def _payment_lines(obj: QboObject) -> list[Row]:
    return _applied_lines(obj, "Invoice", "invoice_qbo_id", _PAYMENT_LINE_LIMITS)


def _purchase(obj: QboObject) -> Row:
    entity = child(obj, "EntityRef")
    return {
        "txn_date": qbo_date(obj.get("TxnDate"), "TxnDate"),
        "total_amt": required_money(obj.get("TotalAmt"), "TotalAmt"),
        "payment_type": text(obj.get("PaymentType"), "PaymentType"),
        "account_qbo_id": ref_id(obj, "AccountRef"),
        "entity_qbo_id": ref_id(obj, "EntityRef"),
        "entity_type": text(entity.get("type"), "EntityRef.type"),
        "currency": ref_id(obj, "CurrencyRef"),
        "credit": flag(obj.get("Credit"), "Credit", default=False),
    }


@dataclass(frozen=True)
class EntityMapping:
    """How one QBO entity lands: its table, its columns, and its lines if it has any."""

    table: Table
    limits: tuple[ColumnLimit, ...]
    columns: Callable[[QboObject], Row]
    line_table: Table | None = None
    parent_key: str = ""
    line_rows: Callable[[QboObject], list[Row]] | None = None


def _mapping(
    model: type[SQLModel],
    columns: Callable[[QboObject], Row],
    line_model: type[SQLModel] | None = None,
    parent_key: str = "",
    line_rows: Callable[[QboObject], list[Row]] | None = None,
) -> EntityMapping:
    return EntityMapping(
        table=model.__table__,  # type: ignore[attr-defined]
        limits=limits_of(model),
        columns=columns,
        line_table=None if line_model is None else line_model.__table__,  # type: ignore[attr-defined]
        parent_key=parent_key,
        line_rows=line_rows,
    )


ENTITIES: Mapping[str, EntityMapping] = {
    "Term": _mapping(Term, _term),
    "Account": _mapping(Account, _account),
    "Vendor": _mapping(Vendor, _vendor),
    "Customer": _mapping(Customer, _customer),
    "Bill": _mapping(Bill, _bill, BillLine, "bill_id", _bill_lines),
    "Invoice": _mapping(Invoice, _invoice, InvoiceLine, "invoice_id", _invoice_lines),
    "BillPayment": _mapping(
        BillPayment, _bill_payment, BillPaymentLine, "bill_payment_id", _bill_payment_lines
    ),
    "Payment": _mapping(Payment, _payment, PaymentLine, "payment_id", _payment_lines),
    "Purchase": _mapping(Purchase, _purchase),
}
