"""Every table Runway defines, the QBO mirror and its own, in one import (migrations, tests)."""

from domains.access.models import ApiToken, ApiTokenBusiness
from domains.ap.models import Bill, BillLine, BillPayment, BillPaymentLine, Vendor
from domains.ar.models import Customer, Invoice, InvoiceLine, Payment, PaymentLine
from domains.assessments.models import (
    AssessedBill,
    AssessedHygieneItem,
    AssessedInvoice,
    Assessment,
    AssessmentClaim,
)
from domains.banking.models import Account, Purchase
from domains.connections.models import UsedOAuthState
from domains.core.models import Business, SyncRun, Term
from domains.decisions.models import BillDecision
from domains.digests.models import (
    DigestEmail,
    DigestRun,
    DigestRunItem,
    ScheduleLock,
    StoredDigest,
)
from domains.documents.models import TrustedDocument

__all__ = [
    "Account",
    "ApiToken",
    "ApiTokenBusiness",
    "AssessedBill",
    "AssessedHygieneItem",
    "AssessedInvoice",
    "Assessment",
    "AssessmentClaim",
    "Bill",
    "BillDecision",
    "BillLine",
    "BillPayment",
    "BillPaymentLine",
    "Business",
    "Customer",
    "DigestEmail",
    "DigestRun",
    "DigestRunItem",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "PaymentLine",
    "Purchase",
    "ScheduleLock",
    "StoredDigest",
    "SyncRun",
    "Term",
    "TrustedDocument",
    "UsedOAuthState",
    "Vendor",
]
