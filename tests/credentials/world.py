"""Sessions whose decisions stand in sealed minutes, ready for their results.

``results_world`` builds on the grading tests' minutes (one decision per candidate, BC01
validated, BC02 not) and seals them with both members' approvals; ``validated`` chooses
the blocks the decisions validate. The session is in its deliberation phase.
"""

from django.utils import timezone

from certifolio.exams.domain.registrations import record_acquired_block
from certifolio.exams.enums import Phase
from certifolio.exams.models import Session
from certifolio.grading.domain.minutes import approve_minutes
from certifolio.grading.models import BlockDecision
from certifolio.portfolio.models import CandidateProfile
from certifolio.referential.models import Block, Certification
from tests.grading.minutes_world import minutes_world

# What a certificate or an attestation must state and the seed title does not hold
# (docs/certificates.md): the place of issue and the signatory, as settings...
CERTIFICATE_SETTINGS = {
    "CERTIFICATE_PLACE_OF_ISSUE": "Lyon",
    "CERTIFICATE_SIGNATORY_NAME": "Marie Lefort",
    "CERTIFICATE_SIGNATORY_TITLE": "Directrice de la certification",
}


def with_rncp_facts():
    """...and the title's RNCP facts."""
    Certification.objects.update(
        number="RNCP12345",
        level_national=7,
        level_eu=7,
        nsf_codes=["326"],
        decision_date="2024-05-01",
    )


def complete_record(user, **fields):
    """A candidate record with all the CPF declaration needs."""
    values = {
        "birth_name": user.last_name.upper(),
        "first_name_1": user.first_name,
        "birth_date": "1990-04-12",
        "sex": "M",
        "birth_commune_insee": "69123",
        "birth_commune_name": "Lyon",
        "birth_country_code": "FRA",
        "birth_country_name": "France",
        "access_route": "continuing",
    }
    values.update(fields)
    return CandidateProfile.objects.update_or_create(user=user, defaults=values)[0]


def seal(minutes, world):
    for juror in (world.president, world.member):
        minutes = approve_minutes(minutes, actor=juror.user)
    return minutes


def results_world(version, *, candidates=1, validated=("BC01",), sealed=True, name=None):
    """(grading world, minutes) with the decisions validating ``validated``."""
    world, minutes = minutes_world(version, candidates=candidates, name=name)
    BlockDecision.objects.filter(decision__in=minutes.decisions.all()).update(
        validated=False, justification="Soutenance insuffisante."
    )
    BlockDecision.objects.filter(
        decision__in=minutes.decisions.all(), block__code__in=validated
    ).update(validated=True, justification="")
    for oral in world.orals:
        complete_record(oral.registration.candidate)
    if sealed:
        minutes = seal(minutes, world)
    Session.objects.filter(pk=world.session.pk).update(phase=Phase.DELIBERATION)
    world.session.refresh_from_db()
    return world, minutes


def held_from_before(candidate, version, code="BC03"):
    """``candidate`` acquired the block ``code`` (the ISR option's, by default) in an
    earlier session: with BC01 and BC02 validated, the title is his."""
    record_acquired_block(
        candidate,
        actor=None,
        block=Block.objects.get(version=version, code=code),
        acquired_on=timezone.localdate(),
    )


def titled_world(version, **options):
    """``results_world`` whose candidate earns the title once the results are published:
    BC01 and BC02 validated by the jury, BC03 held from before."""
    world, minutes = results_world(version, validated=("BC01", "BC02"), **options)
    held_from_before(world.candidate, version)
    return world, minutes
