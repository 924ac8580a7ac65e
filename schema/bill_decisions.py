"""The ``decideBill`` mutation and the recorded decision it returns (the audit trail's rows)."""

from datetime import date, datetime
from typing import Self

import strawberry

from domains.decisions.models import BillDecision as BillDecisionRow
from resolvers.bill_decisions import record_bill_decision
from schema.context import Info
from schema.enums import DecisionAction
from schema.relay import Node, global_id, parse_global_id


@strawberry.type(description="A recorded pay-on or delay-to decision (never edited: superseded).")
class BillDecision(Node):
    bill_id: strawberry.ID = strawberry.field(description="The decided bill's global id.")
    action: DecisionAction = strawberry.field(
        description="PAY_ON (pay it on decidedFor) or DELAY_TO (hold it until decidedFor)."
    )
    decided_for: date = strawberry.field(
        description="The day to pay on, or delay to; the decision lapses once it has passed."
    )
    note: str | None = strawberry.field(description="Why, in the decider's words.")
    decided_by: str = strawberry.field(description="The name of the token that recorded it.")
    decided_at: datetime = strawberry.field(
        description="When it was recorded; a bill's latest decision supersedes the earlier ones."
    )

    @classmethod
    def from_row(cls, row: BillDecisionRow) -> Self:
        return cls(
            id=global_id("BillDecision", row.id),
            bill_id=global_id("Bill", row.bill_id),
            action=DecisionAction(row.action),
            decided_for=row.decided_for,
            note=row.note,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
        )


@strawberry.input(
    description="A decision on one open bill: the console and the forecast follow it from now on."
)
class DecideBillInput:
    bill_id: strawberry.ID = strawberry.field(
        description="The bill's global id (an open bill of a business you may see)."
    )
    action: DecisionAction = strawberry.field(
        description="PAY_ON to pay it on the date, DELAY_TO to hold it until then."
    )
    day: date = strawberry.field(
        name="date", description="Pay on, or delay to, this day (today or later)."
    )
    note: str | None = strawberry.field(
        default=None, description="Why, for the audit trail (at most 1000 characters)."
    )


async def decide_bill(info: Info, decision: DecideBillInput) -> BillDecision:
    """Store a decision on an open bill the caller may see; it reshapes console and forecast."""
    context = info.context
    assert context.caller is not None  # the mutation's permission guarantees it
    parsed = parse_global_id(decision.bill_id, "Bill")
    row = await record_bill_decision(
        context.loaders,
        context.sessions,
        bill_id=parsed[1] if parsed else None,
        action=decision.action,
        day=decision.day,
        note=decision.note,
        decided_by=context.caller.name,
        now=context.clock(),
    )
    if context.books_changed is not None:
        context.books_changed(row.business_id)
    return BillDecision.from_row(row)
