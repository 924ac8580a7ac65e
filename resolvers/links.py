"""Links into QBO's own screens, so every item in a view opens the record to fix or pay."""

from resolvers.rules.enums import EntityType

_PATHS = {
    EntityType.BILL: "/app/bill?txnId=",
    EntityType.INVOICE: "/app/invoice?txnId=",
    EntityType.VENDOR: "/app/vendordetail?nameId=",
    EntityType.CUSTOMER: "/app/customerdetail?nameId=",
}


def qbo_url(app_url: str, entity_type: EntityType, qbo_id: str) -> str:
    """The QBO web-app address of one record (``app_url`` differs in the sandbox)."""
    return f"{app_url.rstrip('/')}{_PATHS[entity_type]}{qbo_id}"
