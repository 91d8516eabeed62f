"""The candidate record (``CandidateProfile``): its two parts and who changes them.

The candidate keeps his contact details up to date; his identity, as the CPF declaration
needs it, is entered by his training centre or a manager (see ``rules.py``). The record
is created on its first save. Every change is audited with the values before and after.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.arguments import UNCHANGED, Unchanged, given
from certifolio.common.audit import record_event
from certifolio.portfolio.models import CandidateProfile
from certifolio.portfolio.validators import validate_french_postal_code

IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "first_name_1",
    "first_name_2",
    "first_name_3",
    "birth_date",
    "sex",
    "birth_commune_insee",
    "birth_postal_code",
    "birth_commune_name",
    "birth_country_code",
    "birth_country_name",
    "access_route",
)
CONTACT_FIELDS = ("phone", "address", "postal_code", "city", "country")
# The youngest age at which a candidate can hold a professional certification here.
MIN_AGE = 14


def candidate_record(person) -> CandidateProfile | None:
    return CandidateProfile.objects.filter(user=person).first()


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_identity(profile: CandidateProfile) -> None:
    if profile.birth_date is None:
        return
    today = timezone.localdate()
    if profile.birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if profile.birth_date > _years_before(today, MIN_AGE):
        raise ValidationError(
            {
                "birth_date": _("A candidate is at least %(age)s years old: check the date.")
                % {"age": MIN_AGE}
            }
        )


def _check_contact(profile: CandidateProfile) -> None:
    in_france = profile.country.strip().casefold() in ("", "france")
    if in_france and profile.postal_code:
        try:
            validate_french_postal_code(profile.postal_code)
        except ValidationError as error:
            raise ValidationError({"postal_code": error.messages}) from error


@transaction.atomic
def _save_record(person, *, fields, actor, values, check) -> tuple[CandidateProfile, bool]:
    profile = CandidateProfile.objects.select_for_update().filter(user=person).first()
    created = profile is None
    if created:
        # The names the account already has are a starting point for the identity.
        profile = CandidateProfile(
            user=person, birth_name=person.last_name[:60], first_name_1=person.first_name[:60]
        )
    before = {field: getattr(profile, field) for field in fields}
    for field in fields:
        if field in values:
            setattr(profile, field, values[field])
    after = {field: getattr(profile, field) for field in fields}
    # Only this part is validated: the other part is someone else's to fix.
    others = [f.name for f in CandidateProfile._meta.fields if f.name not in fields]
    errors: dict = {}
    steps = [lambda: profile.clean_fields(exclude=others), lambda: check(profile)]
    if fields == IDENTITY_FIELDS:
        steps.append(profile.clean)
    for step in steps:
        try:
            step()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    if created:
        profile.save()
        record_event(
            "portfolio.record_created",
            obj=profile,
            actor=actor,
            after={field: value for field, value in after.items() if value not in ("", None)},
        )
        return profile, True
    changed = [field for field in fields if before[field] != after[field]]
    if not changed:
        return profile, False
    profile.save(update_fields=[*changed, "updated_at"])
    record_event(
        "portfolio.record_updated",
        obj=profile,
        actor=actor,
        before={field: before[field] for field in changed},
        after={field: after[field] for field in changed},
    )
    return profile, True


def update_identity(
    person: User,
    *,
    actor: User | None,
    birth_name: str | Unchanged = UNCHANGED,
    usage_name: str | Unchanged = UNCHANGED,
    first_name_1: str | Unchanged = UNCHANGED,
    first_name_2: str | Unchanged = UNCHANGED,
    first_name_3: str | Unchanged = UNCHANGED,
    birth_date: datetime.date | Unchanged | None = UNCHANGED,
    sex: str | Unchanged = UNCHANGED,
    birth_commune_insee: str | Unchanged = UNCHANGED,
    birth_postal_code: str | Unchanged = UNCHANGED,
    birth_commune_name: str | Unchanged = UNCHANGED,
    birth_country_code: str | Unchanged = UNCHANGED,
    birth_country_name: str | Unchanged = UNCHANGED,
    access_route: str | Unchanged = UNCHANGED,
) -> tuple[CandidateProfile, bool]:
    """Save the identity part of ``person``'s record; returns (record, whether it changed).

    Fields not given keep their value.
    """
    values = given(
        birth_name=birth_name,
        usage_name=usage_name,
        first_name_1=first_name_1,
        first_name_2=first_name_2,
        first_name_3=first_name_3,
        birth_date=birth_date,
        sex=sex,
        birth_commune_insee=birth_commune_insee,
        birth_postal_code=birth_postal_code,
        birth_commune_name=birth_commune_name,
        birth_country_code=birth_country_code,
        birth_country_name=birth_country_name,
        access_route=access_route,
    )
    return _save_record(
        person, fields=IDENTITY_FIELDS, actor=actor, values=values, check=_check_identity
    )


def update_contact(
    person: User,
    *,
    actor: User | None,
    phone: str | Unchanged = UNCHANGED,
    address: str | Unchanged = UNCHANGED,
    postal_code: str | Unchanged = UNCHANGED,
    city: str | Unchanged = UNCHANGED,
    country: str | Unchanged = UNCHANGED,
) -> tuple[CandidateProfile, bool]:
    """Save the contact details of ``person``'s record; returns (record, whether it changed).

    Fields not given keep their value.
    """
    values = given(
        phone=phone, address=address, postal_code=postal_code, city=city, country=country
    )
    return _save_record(
        person, fields=CONTACT_FIELDS, actor=actor, values=values, check=_check_contact
    )
