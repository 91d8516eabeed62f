"""Publishing a session's results: awards, the register of holders, notices, revocation."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from certifolio.common.models import AuditEvent
from certifolio.credentials.domain.awards import held_blocks, publish_results, revoke_award
from certifolio.credentials.enums import NoticeState
from certifolio.credentials.models import Award, ResultNotice, ResultsPublication
from certifolio.exams.domain.registrations import record_acquired_block
from certifolio.exams.enums import Phase
from certifolio.exams.models import AcquiredBlock
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import Block, BlockEquivalence, Certification
from tests.credentials.world import results_world, titled_world
from tests.factories import manager

pytestmark = pytest.mark.django_db


def _codes(awards):
    return [(award.kind, award.block.code if award.block else None) for award in awards]


def test_publish_results_awards_each_validated_block(seed_version):
    world, _minutes = results_world(seed_version)
    Certification.objects.update(number="RNCP12345")
    boss = manager()

    publication = publish_results(world.session, actor=boss)

    awards = list(Award.objects.order_by("pk"))
    assert _codes(awards) == [("block", "BC01")]
    year = timezone.localdate().year
    assert awards[0].number == f"RNCP12345-{year}-00001"
    assert awards[0].candidate == world.candidate
    assert awards[0].registration == world.registration
    assert 0 <= awards[0].status_index < 131_072
    assert publication.published_by == boss
    assert list(
        AcquiredBlock.objects.filter(candidate=world.candidate).values_list(
            "block__code", flat=True
        )
    ) == ["BC01"]
    assert list(
        AuditEvent.objects.filter(action__startswith="credentials.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["credentials.awarded", "credentials.results_published"]


def test_publish_results_awards_the_title_when_the_rule_holds(seed_version):
    world, _minutes = titled_world(seed_version)

    publish_results(world.session, actor=manager())

    awards = list(Award.objects.select_related("option").order_by("pk"))
    assert _codes(awards) == [("block", "BC01"), ("block", "BC02"), ("title", None)]
    assert awards[2].option.code == "ISR"
    assert [award.number[-5:] for award in awards] == ["00001", "00002", "00003"]


def test_held_blocks_follow_identifiers_and_equivalences_across_versions(seed_version):
    world, _minutes = results_world(seed_version)
    earlier = {block.code: block for block in Block.objects.filter(version=seed_version)}
    for code in ("BC01", "BC03"):
        record_acquired_block(
            world.candidate, actor=None, block=earlier[code], acquired_on=timezone.localdate()
        )
    later_version = start_draft(seed_version.certification, actor=None)
    later = {block.code: block for block in Block.objects.filter(version=later_version)}
    # BC03 was rewritten under another identity; the renewal's table declares it equivalent.
    Block.objects.filter(pk=later["BC03"].pk).update(uuid=uuid.uuid4())
    assert [block.code for block in held_blocks(world.candidate, later_version)] == ["BC01"]

    BlockEquivalence.objects.create(block=later["BC03"], earlier=earlier["BC03"])

    assert [block.code for block in held_blocks(world.candidate, later_version)] == [
        "BC01",
        "BC03",
    ]


def test_publish_results_refuses_an_unsealed_pv_and_changes_nothing(seed_version):
    world, _minutes = results_world(seed_version, sealed=False)

    with pytest.raises(ValidationError) as refused:
        publish_results(world.session, actor=manager())

    assert refused.value.messages == [
        "Aucune décision dans un procès-verbal scellé pour Jean Dupont\u202f: les résultats "
        "se publient une fois chaque PV scellé."
    ]
    assert Award.objects.count() == 0
    assert ResultsPublication.objects.count() == 0
    assert AcquiredBlock.objects.count() == 0


def test_publish_results_refuses_a_second_time(seed_version):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())

    with pytest.raises(ValidationError) as refused:
        publish_results(world.session, actor=manager())

    assert refused.value.code == "already_published"
    assert Award.objects.count() == 1


def test_publish_results_refuses_before_the_deliberation_phase(seed_version):
    world, _minutes = results_world(seed_version)
    world.session.phase = Phase.ORALS
    world.session.save(update_fields=["phase"])

    with pytest.raises(ValidationError) as refused:
        publish_results(world.session, actor=manager())

    assert refused.value.code == "phase"


def test_publish_results_tells_each_candidate(seed_version):
    world, _minutes = results_world(seed_version, candidates=2)

    publish_results(world.session, actor=manager())

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        oral.registration.candidate.email for oral in world.orals
    )
    assert mail.outbox[0].subject == "Vos résultats de la session Session d’hiver"
    assert "Décision du jury\u202f: Réussite partielle" in mail.outbox[0].body
    assert "Blocs validés\u202f: BC01" in mail.outbox[0].body
    assert list(ResultNotice.objects.values_list("state", flat=True)) == [NoticeState.SENT] * 2


def test_revoke_award_keeps_it_in_the_register_and_frees_the_block(seed_version):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()

    revoke_award(award, actor=manager(), reason="Fraude constatée sur le portfolio.")

    award.refresh_from_db()
    assert award.revocation_reason == "Fraude constatée sur le portfolio."
    assert award.is_revoked
    assert AcquiredBlock.objects.count() == 0
    event = AuditEvent.objects.filter(action="credentials.award_revoked").get()
    assert event.after["reason"] == "Fraude constatée sur le portfolio."


def test_revoke_award_refuses_twice_and_without_a_reason(seed_version):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()

    with pytest.raises(ValidationError) as blank:
        revoke_award(award, actor=manager(), reason="  ")
    revoke_award(award, actor=manager(), reason="Fraude.")
    with pytest.raises(ValidationError) as twice:
        revoke_award(award, actor=manager(), reason="Encore.")

    assert blank.value.message_dict == {
        "revocation_reason": ["Dites pourquoi l’attribution est révoquée."]
    }
    assert twice.value.code == "already_revoked"
    award.refresh_from_db()
    assert award.revocation_reason == "Fraude."
