"""Mirrored QBO records as GraphQL nodes: what `node(id:)` returns for bills, invoices, parties."""

from datetime import date
from decimal import Decimal
from typing import Any, Self

import strawberry

from domains.ap.models import Bill as BillRow
from domains.ap.models import Vendor as VendorRow
from domains.ar.models import Customer as CustomerRow
from domains.ar.models import Invoice as InvoiceRow
from domains.mirror_columns import ContactFields, DocumentFields
from resolvers.links import qbo_url
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.items import RelatedRecord as RelatedResult
from schema.relay import Node, global_id


@strawberry.interface(description="A dated QBO document with a total and a balance.")
class Document(Node):
    qbo_id: str = strawberry.field(description="Its id in QBO (unique within the company).")
    doc_number: str | None = strawberry.field(
        description="Its number as typed in QBO (an invoice number, a vendor's bill number)."
    )
    txn_date: date | None = strawberry.field(description="The date on the document.")
    due_date: date | None = strawberry.field(
        description="When it is due, as QBO has it; null when QBO has none (aging then counts "
        "from its date)."
    )
    total_amount: Decimal = strawberry.field(description="Its total as QBO has it (TotalAmt).")
    balance: Decimal = strawberry.field(
        description="What is still unpaid of the total; open while above zero."
    )
    currency: str | None = strawberry.field(
        description="Its currency code (ISO, e.g. USD) as QBO sends it; null when QBO sends none."
    )
    qbo_url: str = strawberry.field(description="The document in QBO.")


@strawberry.interface(description="A QBO vendor or customer.")
class Party(Node):
    qbo_id: str = strawberry.field(description="Its id in QBO (unique within the company).")
    display_name: str = strawberry.field(description="The name QBO shows for it.")
    email: str | None = strawberry.field(description="Its primary e-mail address in QBO.")
    active: bool = strawberry.field(
        description="Active in QBO and not deleted there; false once made inactive or deleted."
    )
    qbo_url: str = strawberry.field(description="Its page in QBO.")


def _document(row: DocumentFields, entity_type: EntityType, app_url: str) -> dict[str, Any]:
    return {
        "id": global_id(entity_type.value.capitalize(), row.id),
        "qbo_id": row.qbo_id,
        "doc_number": row.doc_number,
        "txn_date": row.txn_date,
        "due_date": row.due_date,
        "total_amount": row.total_amt,
        "balance": row.balance,
        "currency": row.currency,
        "qbo_url": qbo_url(app_url, entity_type, row.qbo_id),
    }


def _party(row: ContactFields, entity_type: EntityType, app_url: str) -> dict[str, Any]:
    return {
        "id": global_id(entity_type.value.capitalize(), row.id),
        "qbo_id": row.qbo_id,
        "display_name": row.display_name,
        "email": row.email,
        "active": row.active and row.deleted_at is None,
        "qbo_url": qbo_url(app_url, entity_type, row.qbo_id),
    }


@strawberry.type(description="A QBO bill as mirrored.")
class Bill(Document):
    vendor_name: str | None = strawberry.field(
        description="The vendor's name as the bill carries it (QBO's VendorRef)."
    )

    @classmethod
    def from_row(cls, row: BillRow, app_url: str) -> Self:
        return cls(**_document(row, EntityType.BILL, app_url), vendor_name=row.vendor_name)


@strawberry.type(description="A QBO invoice as mirrored.")
class Invoice(Document):
    customer_name: str | None = strawberry.field(
        description="The customer's name as the invoice carries it (QBO's CustomerRef)."
    )
    bill_email: str | None = strawberry.field(
        description="The address QBO sends this invoice to (its BillEmail), if set."
    )

    @classmethod
    def from_row(cls, row: InvoiceRow, app_url: str) -> Self:
        return cls(
            **_document(row, EntityType.INVOICE, app_url),
            customer_name=row.customer_name,
            bill_email=row.bill_email,
        )


@strawberry.type(description="A QBO vendor as mirrored.")
class Vendor(Party):
    @classmethod
    def from_row(cls, row: VendorRow, app_url: str) -> Self:
        return cls(**_party(row, EntityType.VENDOR, app_url))


@strawberry.type(description="A QBO customer as mirrored.")
class Customer(Party):
    @classmethod
    def from_row(cls, row: CustomerRow, app_url: str) -> Self:
        return cls(**_party(row, EntityType.CUSTOMER, app_url))


@strawberry.type(description="Another record an issue or recommendation points at.")
class RelatedRecord:
    id: strawberry.ID = strawberry.field(description="Its global id (fetch it with `node`).")
    entity_type: EntityType = strawberry.field(description="What kind of record it is.")
    qbo_id: str = strawberry.field(description="Its id in QBO.")
    label: str = strawberry.field(description='How a bookkeeper names it: "Bill 1043 from …".')
    amount: Decimal = strawberry.field(description="Its total.")
    txn_date: date | None = strawberry.field(description="Its date.")
    qbo_url: str = strawberry.field(description="The record in QBO.")

    @classmethod
    def from_result(cls, related: RelatedResult, app_url: str) -> Self:
        return cls(
            id=global_id(related.entity_type.value.capitalize(), related.entity_id),
            entity_type=related.entity_type,
            qbo_id=related.qbo_id,
            label=related.label,
            amount=related.amount,
            txn_date=related.txn_date,
            qbo_url=qbo_url(app_url, related.entity_type, related.qbo_id),
        )
