"""Role checks on fields: a missing token is UNAUTHENTICATED, a too-weak role FORBIDDEN.

Only root fields carry permissions: nested fields are reachable only through them, and every
loader underneath is already scoped to the caller's businesses. The checks raise their own error
(rather than set ``message``) because one permission instance serves concurrent requests.
"""

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from resolvers.errors import Forbidden, Unauthenticated


class _RoleRequired(BasePermission):
    role = "viewer"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        caller = info.context.caller
        if caller is None:
            raise Unauthenticated(info.context.auth_problem or "Authentication required.")
        if not caller.has_role(self.role):
            raise Forbidden(
                f"This needs the {self.role} role; the token '{caller.name}' is {caller.role}."
            )
        return True


class IsViewer(_RoleRequired):
    role = "viewer"


class IsOperator(_RoleRequired):
    role = "operator"


class IsAdmin(_RoleRequired):
    role = "admin"
