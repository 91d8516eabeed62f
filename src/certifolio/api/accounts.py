"""The caller's own account."""

from uuid import UUID

from ninja import Field, Router, Schema

from certifolio.accounts.enums import Role
from certifolio.api.errors import READ

router = Router(tags=["accounts"])


class MeOut(Schema):
    uuid: UUID
    email: str
    first_name: str
    last_name: str
    roles: list[Role] = Field(description="The roles the person holds, in alphabetical order.")

    @staticmethod
    def resolve_roles(user) -> list[str]:
        return sorted(user.role_grants.values_list("role", flat=True))


@router.get(
    "/me",
    response={200: MeOut, **READ},
    operation_id="get_me",
    summary="Read the caller's account",
    description="Who the session or the API token belongs to: e-mail, names and roles.",
)
def get_me(request):
    return request.user
