"""Whether a reminder can reach a customer: the one rule the console and the hygiene tray share."""

from domains.ar.models import Customer, Invoice


def has_email(value: str | None) -> bool:
    """An address is present when non-blank (QBO validates its format itself)."""
    return bool(value and value.strip())


def contact_email(invoice: Invoice, customer: Customer | None) -> str | None:
    """Where a reminder goes: the invoice's billing email, else its (not deleted) customer's."""
    if has_email(invoice.bill_email):
        return (invoice.bill_email or "").strip()
    if customer is not None and customer.deleted_at is None and has_email(customer.email):
        return (customer.email or "").strip()
    return None
