"""A stored digest's data: the GraphQL ``Digest`` answer, as JSON, without going through GraphQL.

The snapshot is what ``digest { … }`` returns with every field selected: the same camelCase names
and the same scalars (``str(Decimal)``, ISO dates and datetimes, enums by name, the same global
ids). It mirrors ``schema/digest.py``'s ``Digest.from_result`` field for field, because resolvers
may not import ``schema/``; ``tests/resolvers/test_digest_render.py`` pins the two together, so a
field added to the GraphQL type fails that test until it is added here too.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from strawberry.relay import to_base64

from resolvers.digest import Digest
from resolvers.links import qbo_url
from resolvers.rules.actions import RunwayAction
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.enums import EntityType

QBO_APP_URL = "https://app.qbo.intuit.com"
"""Where ``qboUrl`` links point unless told otherwise (the default of ``RUNWAY_QBO__APP_URL``)."""

JsonObject = dict[str, Any]


def digest_snapshot(digest: Digest, *, app_url: str = QBO_APP_URL) -> JsonObject:
    """The JSON-safe data of ``digest``, equal to the GraphQL ``digest`` query's answer.

    Args:
        app_url: the QBO web app the ``qboUrl`` links open (``settings.qbo.app_url``; the sandbox
            differs from production).
    """
    business, runway, report = digest.business, digest.cash.runway, digest.hygiene
    return {
        "businessId": _global_id("Business", business.id),
        "businessName": business.name,
        "currency": business.home_currency,
        "weekStart": _date(digest.week_start),
        "weekEnd": _date(digest.week_end),
        "asOf": _date(digest.as_of),
        "generatedAt": _datetime(digest.generated_at),
        "dataSyncedAt": _datetime(business.last_synced_at),
        "status": _enum(digest.status),
        "cash": _decimal(runway.cash),
        "bankAccounts": [
            {
                "name": account.name,
                "balance": _decimal(account.current_balance or Decimal(0)),
                "qboId": account.qbo_id,
            }
            for account in digest.bank_accounts
        ],
        "weeklyNetBurn": _decimal(runway.weekly_net_burn),
        "runwayWeeks": _decimal(runway.runway_weeks),
        "notBurning": runway.runway_weeks is None,
        "coveredUntil": _date(runway.covered_until),
        "cashZeroDate": _date(digest.forecast.cash_zero_date),
        "forecast": [
            {
                "weekStart": _date(week.week_start),
                "weekEnd": _date(week.week_end),
                "opening": _decimal(week.opening),
                "collections": _decimal(week.collections),
                "bills": _decimal(week.bills),
                "baselineSpend": _decimal(week.baseline_spend),
                "closing": _decimal(week.closing),
            }
            for week in digest.forecast.weeks
        ],
        "alerts": [
            {"code": _enum(alert.code), "level": _enum(alert.level), "message": alert.message}
            for alert in digest.alerts
        ],
        "payables": {
            "openCount": digest.payables.open_count,
            "openAmount": _decimal(digest.payables.open_amount),
            "dueThisWeekCount": digest.payables.due_this_week_count,
            "dueThisWeekAmount": _decimal(digest.payables.due_this_week_amount),
            "overdueCount": digest.payables.overdue_count,
            "overdueAmount": _decimal(digest.payables.overdue_amount),
        },
        "receivables": {
            "openCount": digest.receivables.open_count,
            "openAmount": _decimal(digest.receivables.open_amount),
            "overdueCount": digest.receivables.overdue_count,
            "overdueAmount": _decimal(digest.receivables.overdue_amount),
            "aging": [
                {
                    "bucket": _enum(total.bucket),
                    "count": total.count,
                    "amount": _decimal(total.amount),
                }
                for total in digest.aging
            ],
        },
        "billsDueThisWeek": [_bill(bill, app_url) for bill in digest.bills_due_this_week],
        "overdueInvoices": [_invoice(invoice, app_url) for invoice in digest.overdue_invoices],
        "topActions": [_action(action, app_url) for action in digest.top_actions],
        "hygiene": {
            "score": report.score,
            "issueCount": report.issue_count,
            "highCount": report.high_count,
            "mediumCount": report.medium_count,
            "lowCount": report.low_count,
            "amountAtStake": _decimal(report.amount_at_stake),
        },
        "decisions": _decisions(digest.decisions),
        "freshness": {
            "syncedAt": _datetime(digest.freshness.last_synced_at),
            "stale": digest.freshness.stale,
        },
        "recipients": list(digest.recipients),
    }


def _bill(bill: BillAssessment, app_url: str) -> JsonObject:
    vendor_pk = bill.vendor_id
    discount = bill.discount
    return {
        "id": _global_id("Bill", bill.bill_id),
        "qboId": bill.qbo_id,
        "label": bill.label,
        "docNumber": bill.doc_number,
        "vendorName": bill.vendor_name,
        "vendorId": _global_id("Vendor", vendor_pk) if vendor_pk is not None else None,
        "dueDate": _date(bill.due_date),
        "amount": _decimal(bill.amount),
        "daysUntilDue": bill.days_until_due,
        "urgency": _enum(bill.urgency),
        "latestSafePayDate": _date(bill.latest_safe_pay_date),
        "recommendedPayDate": _date(bill.recommended_pay_date),
        "action": _enum(bill.action),
        "group": _enum(bill.group),
        "signals": [_enum(signal) for signal in bill.signals],
        "reasons": list(bill.reasons),
        "priority": bill.priority,
        "runwayImpactDays": _decimal(bill.runway_impact_days),
        "criticalVendor": bill.critical_vendor,
        "discount": None
        if discount is None
        else {
            "percent": _decimal(discount.percent),
            "deadline": _date(discount.deadline),
            "payBy": _date(discount.pay_by),
            "savings": _decimal(discount.savings),
            "annualisedReturn": _decimal(discount.annualised_return),
            "runwayAllows": discount.runway_allows,
        },
        "decidedAction": _enum(bill.decided_action),
        "decidedFor": _date(bill.decided_for),
        "qboUrl": qbo_url(app_url, EntityType.BILL, bill.qbo_id),
    }


def _invoice(invoice: InvoiceAssessment, app_url: str) -> JsonObject:
    return {
        "id": _global_id("Invoice", invoice.invoice_id),
        "qboId": invoice.qbo_id,
        "label": invoice.label,
        "docNumber": invoice.doc_number,
        "customerName": invoice.customer_name,
        "contactEmail": invoice.contact_email,
        "dueDate": _date(invoice.due_date),
        "amount": _decimal(invoice.amount),
        "daysOverdue": invoice.days_overdue,
        "urgency": _enum(invoice.urgency),
        "agingBucket": _enum(invoice.aging_bucket),
        "action": _enum(invoice.action),
        "priority": invoice.priority,
        "expectedCollectionDate": _date(invoice.expected_collection_date),
        "runwayImpactDays": _decimal(invoice.runway_impact_days),
        "qboUrl": qbo_url(app_url, EntityType.INVOICE, invoice.qbo_id),
    }


def _action(action: RunwayAction, app_url: str) -> JsonObject:
    return {
        "kind": _enum(action.kind),
        "description": action.description,
        "daysAdded": action.days_added,
        "amount": _decimal(action.amount),
        "entityType": _enum(action.entity_type),
        "entityId": _global_id(action.entity_type.value.capitalize(), action.entity_id),
        "label": action.label,
        "qboUrl": qbo_url(app_url, action.entity_type, action.qbo_id),
    }


def _decisions(summary: DecisionSummary) -> JsonObject:
    return {
        "mustPayCount": summary.must_pay_count,
        "mustPayAmount": _decimal(summary.must_pay_amount),
        "canDelayCount": summary.can_delay_count,
        "canDelayAmount": _decimal(summary.can_delay_amount),
        "scheduledCount": summary.scheduled_count,
        "scheduledAmount": _decimal(summary.scheduled_amount),
        "toCollectCount": summary.to_collect_count,
        "toCollectAmount": _decimal(summary.to_collect_amount),
        "discountSavings": _decimal(summary.discount_savings),
    }


# The scalars as strawberry serialises them: these few functions are the whole contract.


def _global_id(type_name: str, pk: int | None) -> str:
    """``schema.relay.global_id``: base64 of "Type:pk" (pk as ``str``, so None is "None")."""
    return to_base64(type_name, str(pk))


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _enum(value: Enum | None) -> str | None:
    return None if value is None else value.name
