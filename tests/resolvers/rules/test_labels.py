from resolvers.rules.labels import bill_label, invoice_label, plural
from tests.resolvers.rules.rows import bill, days, invoice


def test_labels_name_the_document_as_qbo_shows_it() -> None:
    assert bill_label(bill(doc_number="1043"), "Acme Supply") == "Bill 1043 from Acme Supply"
    assert bill_label(bill(doc_number=None, txn_date=days(0)), None) == (
        "Bill dated 2026-12-07 from Acme Supply"
    )
    assert bill_label(bill(qbo_id="77", doc_number=" ", txn_date=None, vendor_name=None), None) == (
        "Bill (QBO id 77) from an unknown vendor"
    )
    assert invoice_label(invoice(doc_number="2001"), "Blue Cafe") == "Invoice 2001 to Blue Cafe"


def test_plural() -> None:
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(3, "line") == "3 lines"
