"""How the rules name records to a bookkeeper.

Messages name the document the way QBO shows it ("Bill 1043 from Acme Supply"), falling back to
its date when it has no number, and to its QBO id only when it has neither.
"""

from domains.ap.models import Bill
from domains.ar.models import Invoice


def document_name(kind: str, doc_number: str | None, txn_date: object, qbo_id: str) -> str:
    """ "Bill 1043"; "Bill dated 2026-03-02" without a number; "Bill (QBO id 77)" without both."""
    number = (doc_number or "").strip()
    if number:
        return f"{kind} {number}"
    if txn_date is not None:
        return f"{kind} dated {txn_date}"
    return f"{kind} (QBO id {qbo_id})"


def bill_label(bill: Bill, vendor_name: str | None) -> str:
    """ "Bill 1043 from Acme Supply"."""
    document = document_name("Bill", bill.doc_number, bill.txn_date, bill.qbo_id)
    return f"{document} from {vendor_name or bill.vendor_name or 'an unknown vendor'}"


def invoice_label(invoice: Invoice, customer_name: str | None) -> str:
    """ "Invoice 2001 to Blue Cafe"."""
    document = document_name("Invoice", invoice.doc_number, invoice.txn_date, invoice.qbo_id)
    return f"{document} to {customer_name or invoice.customer_name or 'an unknown customer'}"


def plural(count: int, noun: str) -> str:
    """ "1 day", "3 days"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
