"""A bill's pay-or-delay recommendation and an invoice's collection one, as every view shows them.

The console lists them, the digest shows its top few, the pay plan walks the must-pay ones: one
type each, built from the rules' assessments (``resolvers.rules.bills``, ``…collections``).
"""

from datetime import date
from decimal import Decimal
from typing import Self

import strawberry

from resolvers.links import qbo_url
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.discounts import DiscountOpportunity
from resolvers.rules.enums import EntityType
from schema.enums import (
    AgingBucket,
    BillAction,
    BillGroup,
    CollectionAction,
    DecisionAction,
    Signal,
    Urgency,
)
from schema.records import RelatedRecord
from schema.relay import PageInfo, global_id

field = strawberry.field


@strawberry.type(
    description="An early-payment discount still available (2/10 net 30 and the like)."
)
class Discount:
    percent: Decimal = field(description="The discount, in percent of the bill (2 for 2%).")
    deadline: date = field(description="The last day the discount applies (date + discount days).")
    pay_by: date = field(description="When to send the payment for it to arrive by the deadline.")
    savings: Decimal = field(description="Money saved by taking it, to the cent.")
    annualised_return: Decimal = field(
        description="Percent a year, simple rate: percent x 365 / (net days - discount days)."
    )
    runway_allows: bool = field(
        description="Whether paying early still leaves 13 weeks of runway (then TAKE_DISCOUNT)."
    )

    @classmethod
    def from_result(cls, found: DiscountOpportunity) -> Self:
        return cls(
            percent=found.percent,
            deadline=found.deadline,
            pay_by=found.pay_by,
            savings=found.savings,
            annualised_return=found.annualised_return,
            runway_allows=found.runway_allows,
        )


@strawberry.type(description="An open bill with its recommended action, and why.")
class BillRecommendation:
    id: strawberry.ID = field(description="The bill's global id.")
    qbo_id: str = field(description="The bill's id in QBO.")
    label: str = field(description='How a bookkeeper names it: "Bill 1043 from Acme Supply".')
    doc_number: str | None = field(description="The vendor's invoice number on the bill.")
    vendor_name: str | None = field(description="The vendor's display name.")
    vendor_id: strawberry.ID | None = field(description="The vendor's global id, if mirrored.")
    due_date: date = field(description="When the bill is due.")
    amount: Decimal = field(description="Its open balance, to the cent.")
    days_until_due: int = field(description="Days from asOf to the due date; negative: overdue.")
    urgency: Urgency = field(description="OVERDUE, DUE_SOON (within 3 days) or UPCOMING.")
    latest_safe_pay_date: date = field(
        description="The due date minus the payment lead time (3 days), never before asOf."
    )
    recommended_pay_date: date = field(
        description="When to pay: the latest safe pay date, the discount's pay-by date when "
        "taking it, or the decided date when a decision is in effect."
    )
    action: BillAction = field(description="PAY_NOW, SCHEDULE or DELAY.")
    group: BillGroup = field(description="MUST_PAY, CAN_DELAY or SCHEDULED.")
    signals: list[Signal] = field(description="Every signal whose condition holds.")
    reasons: list[str] = field(
        description="One sentence per signal, in the same order, then one saying why the group "
        "and action follow: every recommendation says why."
    )
    priority: int = field(
        description="0 to 100: urgency up to 50, size against cash up to 30, critical vendor 20."
    )
    runway_impact_days: Decimal | None = field(
        description="Days of runway paying it uses up: its amount in days of net burn, at most "
        "the whole runway (runwayWeeks x 7); null when not burning."
    )
    critical_vendor: bool = field(
        description="Payroll, tax, rent, utilities, insurance or a loan: never delayed."
    )
    discount: Discount | None = field(description="An early-payment discount still available.")
    decided_action: DecisionAction | None = field(
        description="The recorded decision in effect, if any (it sets group and action)."
    )
    decided_for: date | None = field(description="The date of that decision.")
    qbo_url: str = field(description="The bill in QBO.")

    @classmethod
    def from_result(cls, bill: BillAssessment, app_url: str) -> Self:
        return cls(
            id=global_id("Bill", bill.bill_id),
            qbo_id=bill.qbo_id,
            label=bill.label,
            doc_number=bill.doc_number,
            vendor_name=bill.vendor_name,
            vendor_id=global_id("Vendor", bill.vendor_id) if bill.vendor_id is not None else None,
            due_date=bill.due_date,
            amount=bill.amount,
            days_until_due=bill.days_until_due,
            urgency=bill.urgency,
            latest_safe_pay_date=bill.latest_safe_pay_date,
            recommended_pay_date=bill.recommended_pay_date,
            action=bill.action,
            group=bill.group,
            signals=list(bill.signals),
            reasons=list(bill.reasons),
            priority=bill.priority,
            runway_impact_days=bill.runway_impact_days,
            critical_vendor=bill.critical_vendor,
            discount=Discount.from_result(bill.discount) if bill.discount else None,
            decided_action=bill.decided_action,
            decided_for=bill.decided_for,
            qbo_url=qbo_url(app_url, EntityType.BILL, bill.qbo_id),
        )


@strawberry.type(description="An open invoice with the collection step to take, and why.")
class CollectionRecommendation:
    id: strawberry.ID = field(description="The invoice's global id.")
    qbo_id: str = field(description="The invoice's id in QBO.")
    label: str = field(description='How a bookkeeper names it: "Invoice 2001 to Blue Cafe".')
    doc_number: str | None = field(description="The invoice number.")
    customer_name: str | None = field(description="The customer's display name.")
    contact_email: str | None = field(
        description="Where a reminder goes: the invoice's billing email, else the customer's."
    )
    due_date: date | None = field(description="When the invoice is due.")
    amount: Decimal = field(description="Its open balance, to the cent.")
    days_overdue: int = field(description="Days past the due date; 0 when not yet due.")
    urgency: Urgency = field(description="OVERDUE, DUE_SOON (within 7 days) or UPCOMING.")
    aging_bucket: AgingBucket = field(description="Its bucket by days overdue.")
    action: CollectionAction = field(
        description="REMIND, ESCALATE (over 30 days overdue) or CALL (over 60)."
    )
    priority: int = field(description="0 to 100: amount against cash up to 50, lateness up to 50.")
    expected_collection_date: date | None = field(
        description="When the forecast expects the money: the due date shifted by the "
        "customer's average lateness, never before asOf."
    )
    runway_impact_days: Decimal | None = field(
        description="Days of net burn collecting it pays for; null when not burning."
    )
    reasons: list[str] = field(
        description="Why the action, then a warning when it may be a duplicate."
    )
    duplicate_of: RelatedRecord | None = field(
        description="The invoice it may duplicate (POSSIBLE_DUPLICATE): check before chasing."
    )
    qbo_url: str = field(description="The invoice in QBO.")

    @classmethod
    def from_result(cls, invoice: InvoiceAssessment, app_url: str) -> Self:
        duplicate = invoice.duplicate_of
        return cls(
            id=global_id("Invoice", invoice.invoice_id),
            qbo_id=invoice.qbo_id,
            label=invoice.label,
            doc_number=invoice.doc_number,
            customer_name=invoice.customer_name,
            contact_email=invoice.contact_email,
            due_date=invoice.due_date,
            amount=invoice.amount,
            days_overdue=invoice.days_overdue,
            urgency=invoice.urgency,
            aging_bucket=invoice.aging_bucket,
            action=invoice.action,
            priority=invoice.priority,
            expected_collection_date=invoice.expected_collection_date,
            runway_impact_days=invoice.runway_impact_days,
            reasons=list(invoice.reasons),
            duplicate_of=RelatedRecord.from_result(duplicate, app_url) if duplicate else None,
            qbo_url=qbo_url(app_url, EntityType.INVOICE, invoice.qbo_id),
        )


@strawberry.type(description="A bill recommendation and its cursor.")
class BillRecommendationEdge:
    cursor: str = field(description="Pass as `after` for the bills after this one.")
    node: BillRecommendation = field(description="The bill.")


@strawberry.type(description="A page of bill recommendations in the console's order.")
class BillRecommendationConnection:
    edges: list[BillRecommendationEdge] = field(description="The bills of this page.")
    page_info: PageInfo = field(description="Where this page stands.")
    total_count: int = field(description="Bills matching, on every page.")


@strawberry.type(description="A collection recommendation and its cursor.")
class CollectionRecommendationEdge:
    cursor: str = field(description="Pass as `after` for the invoices after this one.")
    node: CollectionRecommendation = field(description="The invoice.")


@strawberry.type(description="A page of collection recommendations by priority.")
class CollectionRecommendationConnection:
    edges: list[CollectionRecommendationEdge] = field(description="The invoices of this page.")
    page_info: PageInfo = field(description="Where this page stands.")
    total_count: int = field(description="Invoices matching, on every page.")
