"""The rules' vocabularies registered as GraphQL enums under the same names.

One definition serves both layers: ``strawberry.enum`` marks the rules' own ``StrEnum`` classes,
which are re-exported here for the schema modules.
"""

import strawberry

from resolvers.rules.enums import (
    AgingBucket,
    AlertCode,
    BillAction,
    BillGroup,
    CollectionAction,
    DecisionAction,
    DigestStatus,
    EntityType,
    RunwayActionKind,
    Signal,
    StatusBasis,
    Urgency,
)
from resolvers.rules.hygiene.codes import IssueCode, Severity

for _enum, _description in (
    (IssueCode, "What is wrong with a record."),
    (Severity, "How bad an issue is."),
    (EntityType, "The kind of record."),
    (BillAction, "What to do with a bill."),
    (BillGroup, "The console's groups of bills."),
    (Signal, "Why a bill is grouped and recommended as it is."),
    (DecisionAction, "A recorded pay-or-delay decision."),
    (CollectionAction, "How to chase an invoice."),
    (AgingBucket, "Days past due, bucketed."),
    (DigestStatus, "The digest's headline."),
    (Urgency, "Where a document stands against its due date."),
    (AlertCode, "Why the digest raises an alert."),
    (RunwayActionKind, "A move that adds runway."),
    (StatusBasis, "Which measure decided a business's status."),
):
    strawberry.enum(_enum, description=_description)

__all__ = [
    "AgingBucket",
    "AlertCode",
    "BillAction",
    "BillGroup",
    "CollectionAction",
    "DecisionAction",
    "DigestStatus",
    "EntityType",
    "IssueCode",
    "RunwayActionKind",
    "Severity",
    "Signal",
    "StatusBasis",
    "Urgency",
]
