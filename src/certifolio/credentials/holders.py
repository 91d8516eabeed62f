"""The holder as every document, credential and verification names him: his civil
identity from his candidate record, in one place."""

from django.utils.translation import gettext as _

from certifolio.credentials.documents import HolderFacts
from certifolio.portfolio.models import CandidateProfile


def holder_of(profile: CandidateProfile | None) -> HolderFacts:
    """First names and birth name (with the usage name when he has another one), date
    and place of birth; blank where the record is."""
    if profile is None:
        return HolderFacts(name="", birth_date=None, birth_place="")
    first_names = " ".join(
        name for name in (profile.first_name_1, profile.first_name_2, profile.first_name_3) if name
    )
    name = f"{first_names} {profile.birth_name}".strip() if profile.birth_name else ""
    if name and profile.usage_name and profile.usage_name != profile.birth_name:
        name = _("%(name)s, known as %(usage)s") % {"name": name, "usage": profile.usage_name}
    place = profile.birth_commune_name
    if place and profile.birth_country_code and profile.birth_country_code != "FRA":
        place = f"{place} ({profile.birth_country_name})"
    elif not place and profile.birth_country_code != "FRA":
        place = profile.birth_country_name
    return HolderFacts(name=name, birth_date=profile.birth_date, birth_place=place)


def holder_facts(candidate) -> HolderFacts:
    return holder_of(CandidateProfile.objects.filter(user=candidate).first())
