"""Permission predicates on grades, deliberations and minutes.

A juror grades the orals of the juries he sits on; the president of a jury records its
decisions; every member approves its minutes. Managers and auditors read the
deliberation board and the minutes; nobody else reaches them. The timing rules (from the
oral's start, until the deliberation closes) are the domain's, which names them.
"""

import rules

from certifolio.accounts.rules import is_auditor, is_juror, is_manager
from certifolio.exams.enums import JuryRole
from certifolio.exams.rules import sits_on_jury


@rules.predicate
def sits_on(user, jury) -> bool:
    return jury is not None and jury.members.filter(juror__user_id=user.pk).exists()


@rules.predicate
def presides(user, jury) -> bool:
    return (
        jury is not None
        and jury.members.filter(juror__user_id=user.pk, role=JuryRole.PRESIDENT).exists()
    )


@rules.predicate
def sits_on_minutes_jury(user, minutes) -> bool:
    return minutes is not None and sits_on(user, minutes.deliberation.jury)


# An oral's grid and the candidate's snapshot: the members of its jury only.
rules.add_perm("grading.grade_oral", is_juror & sits_on_jury)
# A jury's deliberation: its members read it, its president records the decisions.
rules.add_perm("grading.view_deliberation", is_manager | is_auditor | (is_juror & sits_on))
rules.add_perm("grading.deliberate", is_juror & presides)
# A session's deliberation board.
rules.add_perm("grading.view_board", is_manager | is_auditor)
rules.add_perm("grading.view_minutes", is_manager | is_auditor | (is_juror & sits_on_minutes_jury))
rules.add_perm("grading.approve_minutes", is_juror & sits_on_minutes_jury)
# Sealing minutes again after a failed seal (the key fixed): managers.
rules.add_perm("grading.seal_minutes", is_manager)
