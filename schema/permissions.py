"""Role checks on fields: a missing token is UNAUTHENTICATED, a too-weak role FORBIDDEN.

Only root fields carry permissions: nested fields are reachable only through them, and every
loader underneath is already scoped to the caller's businesses. The checks raise their own error
(rather than set ``message``) because one permission instance serves concurrent requests.
"""

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info


class _RoleRequired(BasePermission):
    role = "viewer"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        caller = info.context.caller
        if caller is None:
            raise GraphQLError(
                info.context.auth_problem or "Authentication required.",
                extensions={"code": "UNAUTHENTICATED"},
            )
        if not caller.has_role(self.role):
            raise GraphQLError(
                f"This needs the {self.role} role; the token '{caller.name}' is {caller.role}.",
                extensions={"code": "FORBIDDEN"},
            )
        return True


class IsViewer(_RoleRequired):
    role = "viewer"


class IsOperator(_RoleRequired):
    role = "operator"


class IsAdmin(_RoleRequired):
    role = "admin"
