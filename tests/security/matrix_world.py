"""The objects the access matrix is walked with: each role's own and another person's."""

import re
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY

from certifolio.accounts.domain import invitations, tokens
from certifolio.accounts.enums import Role
from certifolio.accounts.models import ApiToken, Invitation, Organisation, User
from certifolio.common.audit import record_event
from certifolio.demo.files import minimal_pdf
from certifolio.exams.domain.scheduling_problem import to_datetime
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Juror, Jury, Oral, Session, Tie
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence, set_presentation_support
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import (
    Case,
    Evidence,
    Mapping,
    Portfolio,
    PresentationSupport,
    Submission,
)
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    ReferentialVersion,
)
from tests.credentials.world import with_rncp_facts
from tests.exams.factories import (
    JurorFactory,
    RoomFactory,
    SessionFactory,
    SiteFactory,
    enlist,
    jury_of,
    register,
)
from tests.exams.records import complete_record
from tests.exams.schedule_world import DAY, plan_world
from tests.factories import OrganisationFactory, UserFactory, candidate, with_totp
from tests.security import (
    matrix_credentials,
    matrix_exams,
    matrix_grading_delib,
    matrix_grading_grid,
    matrix_grading_minutes,
)

ROLE_OF = {
    "candidate": Role.CANDIDATE,
    "juror": Role.JUROR,
    "centre_staff": Role.CENTRE_STAFF,
    "auditor": Role.AUDITOR,
    "manager": Role.MANAGER,
}


@dataclass
class Objects:
    """One person's objects, as the URLs and request bodies name them."""

    portfolio: Portfolio
    case: Case
    evidence: Evidence
    mapping: Mapping
    support: PresentationSupport
    submission: Submission
    criterion: Criterion
    person: User
    token: ApiToken
    invitation: Invitation
    event: object
    # A session with a draft plan of two orals (the manager's pages and endpoints).
    plan_session: object = None
    oral: object = None
    second_oral: object = None
    # A session with its jurors: the juror, his tie, a jury he sits on, two jurors of the
    # session on no jury (``free``) and one of the pool not in the session (``spare``).
    session: Session | None = None
    juror: Juror | None = None
    tie: Tie | None = None
    jury: Jury | None = None
    free: tuple = ()
    spare: Juror | None = None
    # A session with a published plan and its convocations sent (matrix_exams.py).
    convocation_session: object = None
    convocation_oral: object = None
    # The minutes of the convocation oral's jury (matrix_grading_minutes.py).
    minutes: object = None
    # Sessions: one session open to registrations (everyone's: the same in both tables),
    # its site and room, a registration, and a candidate not yet registered.
    reg_session: object = None
    site: object = None
    room: object = None
    registration: object = None
    newcomer: User | None = None
    # The deliberation of a jury (matrix_grading_delib.py): its session, jury, registration.
    delib_session: object = None
    delib_jury: object = None
    delib_registration: object = None
    # Results (matrix_credentials.py): a published session, its owner's award, a session
    # ready to publish, and a CPF file and its declaration (the same in both tables).
    results_session: object = None
    award: object = None
    cpf_file: object = None
    cpf_declaration: object = None
    unpublished_session: object = None


class World:
    """The objects the URLs point at, made once per test (one role per test).

    ``own`` holds the role's own objects: the candidate account's portfolio, the other
    candidate of the centre (for the person pages) and the role's own API token.
    ``others`` holds the same kinds of object belonging to someone else: for the
    candidate, the portfolio of the other candidate of his centre; for everyone else,
    that of a candidate of another centre; a candidate of another centre for the person
    pages; another user's token, another manager's invitation, an event about another
    person.
    """

    def __init__(self, seed_version, role_name):
        self.version = seed_version
        self.draft = start_draft(seed_version.certification, actor=None)
        self.block = Block.objects.get(version=seed_version, code="BC01")
        lyon = OrganisationFactory(name="Lyon")
        paris = OrganisationFactory(name="Paris")
        self.users = {"anonymous": None}
        for role_name_, role in ROLE_OF.items():
            organisation = lyon if role in (Role.CANDIDATE, Role.CENTRE_STAFF) else None
            self.users[role_name_] = UserFactory(
                roles=[role], organisation=organisation, is_staff=role == Role.MANAGER
            )
        # Another candidate of the same centre: the person pages point at him.
        neighbour = candidate(lyon)
        # Somebody the person pages can act on: a second factor to reset, a lockout to lift.
        with_totp(neighbour)
        stranger = candidate(paris)
        with_totp(stranger)
        other_manager = UserFactory(roles=[Role.MANAGER], is_staff=True)
        # Managers and jurors have given their second factor.
        self.devices = {name: with_totp(self.users[name]) for name in ("juror", "manager")}
        # The anonymous visitor has no token: he tries the candidate's.
        token_owner = self.users.get(role_name) or self.users["candidate"]
        own_token = tokens.create_token(
            token_owner, actor=token_owner, name="t", scopes=["read", "write"]
        )[0]
        self.own = Objects(
            **self._portfolio(self.users["candidate"]),
            person=neighbour,
            token=own_token,
            invitation=self._invitation("invitee@example.org", self.users["manager"]),
            event=record_event("test.event", obj=neighbour),
            **planned_session(seed_version),
        )
        other_owner = neighbour if role_name == "candidate" else stranger
        self.others = Objects(
            **self._portfolio(other_owner),
            person=stranger,
            token=tokens.create_token(
                other_owner, actor=other_owner, name="t", scopes=["read", "write"]
            )[0],
            invitation=self._invitation("other-invitee@example.org", other_manager),
            event=record_event("test.event", obj=stranger),
            **planned_session(seed_version),
        )
        self.invitation_token = self.own.invitation.token_for_link
        # The juror account's own juror profile, in the own session; another juror's in
        # another session, where the juror account does not take part.
        self._jurors(self.own, JurorFactory(user=self.users["juror"]), "Session de juin")
        self._jurors(self.others, JurorFactory(), "Session de septembre")
        # BC02: the candidate attempts BC01 in the registrations' session, on the same days.
        register(self.own.session, self.users["candidate"], block_codes=("BC02",))
        self.own.convocation_session, self.own.convocation_oral = matrix_exams.convocation_objects(
            seed_version,
            self.users["candidate"],
            name="Session de la matrice",
            juror=self.own.juror,
        )
        self.others.convocation_session, self.others.convocation_oral = (
            matrix_exams.convocation_objects(seed_version, other_owner, name="Autre session")
        )
        # The grading of those orals (matrix_grading_grid.py).
        matrix_grading_grid.prepare(self.own)
        matrix_grading_grid.prepare(self.others)
        # The minutes of a closed deliberation, on an oral of their own: the orals above
        # are still being graded (matrix_grading_minutes.py).
        for objects, owner, juror, name in (
            (self.own, self.users["candidate"], self.own.juror, "Session du PV"),
            (self.others, other_owner, None, "Autre session du PV"),
        ):
            _session, oral = matrix_exams.convocation_objects(
                seed_version, owner, name=name, juror=juror
            )
            objects.minutes = matrix_grading_minutes.minutes_objects(oral)
        self._sessions(lyon, paris, other_owner)
        (
            self.own.delib_session,
            self.own.delib_jury,
            self.own.delib_registration,
        ) = matrix_grading_delib.deliberation_objects(
            seed_version, self.users["candidate"], name="Délibération", juror=self.own.juror
        )
        (
            self.others.delib_session,
            self.others.delib_jury,
            self.others.delib_registration,
        ) = matrix_grading_delib.deliberation_objects(
            seed_version, other_owner, name="Autre délibération"
        )
        with_rncp_facts()
        cpf = matrix_credentials.cpf_objects(seed_version, manager=self.users["manager"])
        for objects, owner, name in (
            (self.own, self.users["candidate"], "Session des résultats"),
            (self.others, other_owner, "Autres résultats"),
        ):
            results = matrix_credentials.results_objects(
                seed_version, owner, name=name, manager=self.users["manager"]
            )
            for attribute, value in {**results, **cpf}.items():
                setattr(objects, attribute, value)

    def _jurors(self, objects, juror, name):
        session = SessionFactory(version=self.version, name=name)
        enlist(session, juror)
        objects.session, objects.juror = session, juror
        objects.tie = Tie.objects.create(juror=juror, kind="company", company="Acme")
        colleague = JurorFactory()
        enlist(session, colleague)
        objects.jury = jury_of(session, colleague, juror, name="Jury A")
        objects.free = tuple(JurorFactory.create_batch(2))
        for free in objects.free:
            enlist(session, free)
        objects.spare = JurorFactory()

    def _sessions(self, lyon, paris, other_owner):
        """The session's objects: the candidate account's registration is his own; the
        other one is ``other_owner``'s (his centre's neighbour for the candidate, a Paris
        candidate for everyone else)."""
        session = SessionFactory(version=self.version)
        room = RoomFactory(site=SiteFactory(session=session))
        for objects, owner, organisation in (
            (self.own, self.users["candidate"], lyon),
            (self.others, other_owner, paris),
        ):
            objects.reg_session, objects.site, objects.room = session, room.site, room
            objects.registration = register(session, owner, block_codes=["BC01"])
            # Edited registrations are checked again: their owners' records are complete.
            complete_record(owner)
            objects.newcomer = candidate(organisation)
            complete_record(objects.newcomer)

    def _invitation(self, email, manager):
        invitation, link = invitations.create_invitation(email, actor=manager, roles=["juror"])
        invitation.token_for_link = link.rstrip("/").rsplit("/", 1)[1]
        return invitation

    def _portfolio(self, owner):
        """``owner``'s portfolio, with one of everything in it."""
        portfolio, _created = open_portfolio(owner, actor=owner, version=self.version)
        choose_blocks(portfolio, blocks=[self.block], actor=owner)
        case = create_case(portfolio, actor=owner, title="Cas", kind=CaseKind.COMPANY)
        evidence = add_evidence(case, upload=pdf_upload("plan.pdf"), actor=owner)
        criterion = Criterion.objects.filter(
            version=self.version, competency__block=self.block
        ).first()
        mapping, _created = map_to_criterion(
            portfolio,
            criterion=criterion,
            evidence=evidence,
            justification="Parce que.",
            actor=owner,
        )
        support = set_presentation_support(
            portfolio, block=self.block, upload=pdf_upload("slides.pdf"), actor=owner
        )
        submission = submit_portfolio(
            portfolio, blocks=[self.block], actor=owner, confirm_uncovered=True
        )
        return {
            "portfolio": portfolio,
            "case": case,
            "evidence": evidence,
            "mapping": mapping,
            "support": support,
            "submission": submission,
            "criterion": criterion,
        }

    def url(self, key, route, named, objects):
        if named:
            return reverse(key, kwargs=self.kwargs(key, route, objects))
        # An unnamed route (the admin's own redirects): fill its parameters by hand.
        route = route.rstrip("$").replace("(?P<url>.*)", "referential/")
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: str(self.value(key, route, m[1], objects)), route
        )

    def kwargs(self, key, route, objects):
        values = {}
        for name in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route):
            name = next(part for part in name if part)
            values[name] = self.value(key, route, name, objects)
        return values

    def value(self, key, route, name, objects):
        if name == "slug":
            return self.version.certification.slug
        if name == "code":
            return "C1.1" if "competenc" in key else "BC01"
        if name == "number":
            return self.draft.number
        if name == "uuid":
            return object_named(key, objects).uuid
        if name == "sha256":
            return matrix_grading_grid.file_sha(objects)
        if name == "juror_uuid":
            return objects.juror.uuid
        if name == "kid":
            return matrix_credentials.credential_kid()
        if name == "registration_uuid":
            return objects.delib_registration.uuid
        if name == "token" and "invitation" in key:
            return self.invitation_token
        if name == "uidb64":
            return urlsafe_base64_encode(force_bytes(self.own.person.pk))
        if name == "token":
            return default_token_generator.make_token(self.own.person)
        if name == "action":
            return "grant"
        if name == "app_label":
            return "referential"
        if name == "id":
            return self.own.person.pk
        if name in ("object_id", "pk"):
            return str(self.admin_object(route).pk)
        if name == "content_type_id":
            return ContentType.objects.get_for_model(Certification).pk
        if name == "url":
            return "referential/"
        raise AssertionError(f"no sample value for <{name}> in {key}")

    def admin_object(self, route):
        models = {
            "certification": Certification,
            "referentialversion": ReferentialVersion,
            "block": Block,
            "competency": Competency,
            "organisation": Organisation,
            "user": User,
        }
        match = re.search(r"admin/\w+/(\w+)/", route)
        model = models.get(match[1]) if match else None
        if model is None:
            return self.users["manager"]
        if model in (Block, Competency):
            return model.objects.filter(version=self.draft).first()
        if model is ReferentialVersion:
            return self.draft
        return model.objects.first()


# Which object a URL's <uuid> names, where its name does not say it.
UUID_OF = {
    **dict.fromkeys(
        [
            "web:portfolio",
            "web:coverage",
            "web:supports",
            "web:case_create",
            "web:portfolio_submit",
            "web:submissions",
            "web:portfolio_pdf",
            "web:support_upload",
            "api:get_portfolio",
            "api:choose_portfolio_blocks",
            "api:list_cases",
            "api:create_case",
            "api:list_mappings",
            "api:create_mapping",
            "api:create_mappings",
            "api:get_coverage",
            "api:upload_support",
            "api:list_submissions",
            "api:submit_portfolio",
        ],
        "portfolio",
    ),
    **dict.fromkeys(
        [
            "web:case",
            "web:case_delete",
            "web:mapping",
            "web:evidence_upload",
            "api:get_case",
            "api:update_case",
            "api:delete_case",
            "api:add_evidence",
        ],
        "case",
    ),
    **dict.fromkeys(
        [
            "web:evidence_download",
            "web:evidence_delete",
            "api:get_evidence",
            "api:download_evidence",
            "api:delete_evidence",
        ],
        "evidence",
    ),
    **dict.fromkeys(["web:mapping_delete", "api:delete_mapping"], "mapping"),
    **dict.fromkeys(
        [
            "web:support_download",
            "web:support_delete",
            "api:download_support",
            "api:delete_support",
        ],
        "support",
    ),
    **dict.fromkeys(["web:submission_zip", "api:download_submission_snapshot"], "submission"),
    **dict.fromkeys(
        [
            "web:session_plan",
            "web:session_plan_run",
            "web:session_plan_publish",
            "web:session_orals_by_day",
            "web:session_orals_by_room",
            "web:session_orals_by_jury",
            "web:session_orals_by_candidate",
            "api:plan_session",
            "api:replan_session",
            "api:get_plan",
            "api:list_plan_problems",
            "api:publish_plan",
            "api:export_plan",
        ],
        "plan_session",
    ),
    **dict.fromkeys(
        [
            "web:jury_session",
            "web:jury_tie_declare",
            "web:session_jurors",
            "web:session_juror_withdraw",
            "web:juries",
            "web:jury_create",
            "web:juries_propose",
            "api:list_session_jurors",
            "api:enlist_juror",
            "api:withdraw_juror",
            "api:get_availability",
            "api:set_availability",
            "api:list_juries",
            "api:create_jury",
            "api:propose_juries",
        ],
        "session",
    ),
    **dict.fromkeys(
        [
            "web:session",
            "web:session_edit",
            "web:session_phase",
            "web:site_add",
            "web:registrations",
            "web:registration_create",
            "web:registration_import",
            "api:get_session",
            "api:update_session",
            "api:change_session_phase",
            "api:add_site",
            "api:list_session_registrations",
            "api:register_candidate",
            "api:import_registrations",
        ],
        "reg_session",
    ),
    **dict.fromkeys(
        [
            "web:oral",
            "web:oral_move",
            "web:oral_swap",
            "web:oral_lock",
            "api:move_oral",
            "api:swap_orals",
            "api:lock_oral",
        ],
        "oral",
    ),
    **dict.fromkeys(
        [
            "web:juror",
            "web:juror_tie_declare",
            "api:get_juror",
            "api:update_juror",
            "api:update_own_juror_profile",
            "api:declare_tie",
        ],
        "juror",
    ),
    **dict.fromkeys(["web:jury_tie_remove", "web:juror_tie_remove", "api:remove_tie"], "tie"),
    **dict.fromkeys(
        [
            "web:jury",
            "web:jury_remove",
            "api:get_jury",
            "api:list_jury_candidates",
            "api:update_jury",
            "api:remove_jury",
        ],
        "jury",
    ),
    **matrix_exams.UUID_OF,
    **matrix_grading_delib.UUID_OF,
    **matrix_grading_grid.UUID_OF,
    **matrix_grading_minutes.UUID_OF,
    **matrix_credentials.UUID_OF,
    **dict.fromkeys(
        [
            "web:site_edit",
            "web:site_remove",
            "web:room_add",
            "api:update_site",
            "api:remove_site",
            "api:add_room",
        ],
        "site",
    ),
    **dict.fromkeys(
        ["web:room_edit", "web:room_remove", "api:update_room", "api:remove_room"], "room"
    ),
    **dict.fromkeys(
        [
            "web:registration",
            "web:registration_edit",
            "web:registration_withdraw",
            "api:get_registration",
            "api:update_registration",
            "api:withdraw_registration",
        ],
        "registration",
    ),
}


def planned_session(version) -> dict:
    """A session of two candidates with a draft plan: two orals at 9:00, one per jury."""
    world = plan_world(version, candidates=2)
    orals = [
        Oral.objects.create(
            registration=registration,
            jury=jury,
            room=room,
            starts_at=to_datetime(DAY, 9 * 60),
            ends_at=to_datetime(DAY, 9 * 60 + 40),
        )
        for registration, jury, room in zip(
            world.registrations, world.juries, world.rooms, strict=True
        )
    ]
    Session.objects.filter(pk=world.session.pk).update(plan_state=PlanState.DRAFT)
    world.session.refresh_from_db()
    return {"plan_session": world.session, "oral": orals[0], "second_oral": orals[1]}


def object_named(key, objects):
    if key in UUID_OF:
        return getattr(objects, UUID_OF[key])
    if "token" in key:
        return objects.token
    if "invitation" in key:
        return objects.invitation
    if "audit" in key:
        return objects.event
    return objects.person


def pdf_upload(name, line="Une ligne."):
    return SimpleUploadedFile(name, minimal_pdf("Pièce", [line]))


def client_for(world, role_name) -> Client:
    client = Client()
    user = world.users[role_name]
    if user is not None:
        client.force_login(user)
        if role_name in world.devices:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = world.devices[role_name].persistent_id
            session.save()
    return client
