"""The candidate's portfolio: cases, mapping to criteria, coverage, presentation supports.

The candidate edits his own portfolio; the staff of his training centre and managers
read it (no forms are shown to them, and their POSTs answer 404). Anybody else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certifolio.accounts.enums import Role
from certifolio.common.lookups import require_perm
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases
from certifolio.portfolio.forms import (
    BlocksForm,
    CaseEditForm,
    CaseForm,
    MappingForm,
    OpenPortfolioForm,
)
from certifolio.portfolio.models import Case, Mapping, Portfolio, PresentationSupport
from certifolio.portfolio.queries import CHANGE, VIEW, case_for, mapping_for, portfolio_for
from certifolio.referential.models import Block, Criterion
from certifolio.referential.policies import award_rule_text
from certifolio.referential.queries import current_version
from certifolio.web.candidate.evidence import EVIDENCE_ACCEPT, SUPPORT_ACCEPT, upload_form

# The mapping page's key for the case as a whole (its files are keyed by their uuid).
CASE_TARGET = "case"


def _can_edit(request, portfolio) -> bool:
    return request.user.has_perm(CHANGE, portfolio)


@login_required
def portfolio_home(request):
    """A candidate's own portfolios; for staff and managers, those of their candidates."""
    require_perm(request.user, "portfolio.list_portfolios")
    user = request.user
    is_candidate = user.has_perm("portfolio.own_portfolio")
    form = OpenPortfolioForm(request.POST or None) if is_candidate else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            version = current_version(form.cleaned_data["certification"])
            try:
                portfolio, _created = cases.open_portfolio(user, actor=user, version=version)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("web:portfolio", uuid=portfolio.uuid)
    own = (
        queries.with_last_submission(Portfolio.objects.filter(candidate=user))
        .select_related("version__certification")
        .annotate(case_count=Count("cases"))
        .order_by("version__certification__title", "-version__number")
        if is_candidate
        else []
    )
    others = None
    if not is_candidate or user.has_perm("accounts.list_people"):
        others = Paginator(
            queries.with_last_submission(queries.visible_portfolios(user))
            .exclude(candidate=user)
            .select_related("candidate__organisation")
            .annotate(case_count=Count("cases"))
            .order_by(
                "candidate__last_name",
                "candidate__first_name",
                "candidate__email",
                "version__certification__title",
                "-version__number",
            ),
            50,
        ).get_page(request.GET.get("page"))
    if user.has_role(Role.CENTRE_STAFF) and user.organisation_id:
        list_title = _("Portfolios of my candidates")
    else:
        list_title = _("Portfolios of the candidates")
    return render(
        request,
        "web/portfolio/home.html",
        {
            "form": form,
            "own": own,
            "page": others,
            "is_candidate": is_candidate,
            "list_title": list_title,
        },
    )


@login_required
def portfolio_detail(request, uuid):
    portfolio = portfolio_for(request.user, uuid, perm=VIEW)
    can_edit = _can_edit(request, portfolio)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = BlocksForm(request.POST, portfolio=portfolio)
        if form.is_valid():
            try:
                cases.choose_blocks(
                    portfolio, blocks=list(form.cleaned_data["blocks"]), actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your choice of blocks is saved."))
                return redirect("web:portfolio", uuid=portfolio.uuid)
    version_blocks = list(
        Block.objects.filter(version=portfolio.version)
        .select_related("option")
        .order_by("order", "code")
    )
    chosen_ids = set(portfolio.blocks.values_list("pk", flat=True))
    if can_edit and form is None:
        form = BlocksForm(
            portfolio=portfolio,
            initial={"blocks": [block for block in version_blocks if block.pk in chosen_ids]},
        )
    case_list = portfolio.cases.annotate(evidence_count=Count("evidence")).order_by("created_at")
    latest = portfolio.submissions.only("number", "submitted_at").order_by("-number").first()
    return render(
        request,
        "web/portfolio/detail.html",
        {
            "portfolio": portfolio,
            "can_edit": can_edit,
            "form": form,
            "chosen_blocks": [block for block in version_blocks if block.pk in chosen_ids],
            "award": award_rule_text(portfolio.version.award_rule, version_blocks),
            "cases": case_list,
            "latest_submission": latest,
        },
    )


@login_required
def case_create(request, uuid):
    portfolio = portfolio_for(request.user, uuid, perm=CHANGE)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = cases.create_case(portfolio, actor=request.user, **form.values())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The case is created. Add its evidence below."))
            return redirect("web:case", uuid=case.uuid)
    return render(request, "web/portfolio/case_form.html", {"portfolio": portfolio, "form": form})


def _case_mappings(case: Case) -> list[Mapping]:
    return list(
        Mapping.objects.filter(Q(case=case) | Q(evidence__case=case))
        .select_related("criterion__competency__block", "evidence")
        .order_by("criterion__competency__block__order", "criterion__competency__order")
    )


@login_required
def case_detail(request, uuid):
    """The case, its files and mappings; the owner edits it here (two tabs are detected)."""
    case = case_for(request.user, uuid, perm=VIEW)
    portfolio = case.portfolio
    can_edit = _can_edit(request, portfolio)
    form = CaseEditForm(instance=case) if can_edit else None
    stale = ""
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                cases.update_case(
                    case,
                    revision=form.cleaned_data["revision"],
                    actor=request.user,
                    **form.values(),
                )
            except cases.StaleEditError as error:
                # The form keeps what was typed; the page shows what is saved.
                case.refresh_from_db()
                stale = " ".join(error.messages)
            except ValidationError as error:
                case.refresh_from_db()
                form.add_domain_error(error)
            else:
                messages.success(request, _("The case is saved."))
                return redirect("web:case", uuid=case.uuid)
    return render(
        request,
        "web/portfolio/case.html",
        {
            "portfolio": portfolio,
            "case": case,
            "can_edit": can_edit,
            "form": form,
            "stale": stale,
            "evidence_list": case.evidence.select_related("file"),
            "mappings": _case_mappings(case),
            "upload": upload_form(
                reverse("web:evidence_upload", args=[case.uuid]),
                multiple=True,
                field_name="files",
                accept=EVIDENCE_ACCEPT,
            )
            if can_edit
            else None,
        },
    )


@login_required
@require_POST
def case_delete(request, uuid):
    case = case_for(request.user, uuid, perm=CHANGE)
    portfolio = case.portfolio
    cases.delete_case(case, actor=request.user)
    messages.success(request, _("The case is deleted with its evidence and mappings."))
    return redirect("web:portfolio", uuid=portfolio.uuid)


def _offered_criteria(portfolio: Portfolio) -> list[Criterion]:
    """The criteria of the chosen blocks, in the referential's order."""
    return list(
        Criterion.objects.filter(
            version=portfolio.version, competency__block__in=portfolio.blocks.all()
        )
        .select_related("competency__block")
        .order_by("competency__block__order", "competency__order", "order")
    )


def _save_mappings(request, form: MappingForm, portfolio, case, evidence) -> bool:
    """Save the criteria ticked in ``form`` all together; False with its errors if refused."""
    found = queries.mapping_criteria(portfolio, [uuid for uuid, _text in form.lines])
    lines = [
        cases.MappingLine(criterion=found.get(uuid), justification=text)
        for uuid, text in form.lines
    ]
    try:
        saved = cases.map_to_criteria(
            portfolio,
            lines=lines,
            actor=request.user,
            evidence=evidence,
            case=case if evidence is None else None,
        )
    except cases.MappingLinesError as error:
        form.add_line_errors(error)
        return False
    messages.success(
        request,
        ngettext(
            "The link to %(count)d criterion is saved.",
            "The links to %(count)d criteria are saved.",
            len(saved),
        )
        % {"count": len(saved)},
    )
    return True


@login_required
def mapping(request, uuid):
    """Link the case, or each of its files, to the criteria it demonstrates, several at once."""
    case = case_for(request.user, uuid, perm=CHANGE)
    portfolio = case.portfolio
    evidence_list = list(case.evidence.all())
    targets = [(CASE_TARGET, case, None)] + [(str(item.uuid), None, item) for item in evidence_list]
    criteria = _offered_criteria(portfolio)
    forms_by_target = {key: MappingForm(target=key, criteria=criteria) for key, _c, _e in targets}
    if request.method == "POST":
        key = request.POST.get("target", "")
        if key not in forms_by_target:
            raise Http404
        form = forms_by_target[key] = MappingForm(request.POST, target=key, criteria=criteria)
        evidence = next((e for k, _c, e in targets if k == key), None)
        if form.is_valid() and _save_mappings(request, form, portfolio, case, evidence):
            return redirect(f"{reverse('web:mapping', args=[case.uuid])}#target-{key}")
    mappings = _case_mappings(case)
    sections = [
        {
            "key": key,
            "case": target_case,
            "evidence": evidence,
            "form": forms_by_target[key],
            "mappings": [
                item
                for item in mappings
                if (evidence is None and item.case_id == case.pk)
                or (evidence is not None and item.evidence_id == evidence.pk)
            ],
        }
        for key, target_case, evidence in targets
    ]
    return render(
        request,
        "web/portfolio/mapping.html",
        {"portfolio": portfolio, "case": case, "sections": sections, "has_criteria": criteria},
    )


@login_required
@require_POST
def mapping_delete(request, uuid):
    link = mapping_for(request.user, uuid, perm=CHANGE)
    case = link.case or link.evidence.case
    cases.unmap(link, actor=request.user)
    messages.success(request, _("The link to the criterion is removed."))
    return redirect("web:mapping", uuid=case.uuid)


@login_required
def coverage(request, uuid):
    """Every criterion of the chosen blocks with what demonstrates it; a constant query count."""
    portfolio = portfolio_for(request.user, uuid, perm=VIEW)
    blocks = []
    for item in queries.coverage(portfolio):
        # The version is already loaded: full codes cost no query per block.
        item.block.version = portfolio.version
        total, uncovered = len(item.criteria), item.uncovered_count
        blocks.append(
            {
                "coverage": item,
                "total": total,
                "uncovered": uncovered,
                "covered": total - uncovered,
            }
        )
    return render(
        request,
        "web/portfolio/coverage.html",
        {
            "portfolio": portfolio,
            "blocks": blocks,
            "uncovered": sum(item["uncovered"] for item in blocks),
            "total": sum(item["total"] for item in blocks),
        },
    )


@login_required
def supports(request, uuid):
    """One presentation support per chosen block (PDF, ODP or PPTX)."""
    portfolio = portfolio_for(request.user, uuid, perm=VIEW)
    by_block = {
        support.block_id: support
        for support in PresentationSupport.objects.filter(portfolio=portfolio).select_related(
            "file"
        )
    }
    can_edit = _can_edit(request, portfolio)
    rows = []
    for block in portfolio.blocks.order_by("order", "code"):
        block.version = portfolio.version
        upload = None
        if can_edit:
            upload = upload_form(
                reverse("web:support_upload", args=[portfolio.uuid, block.code]),
                multiple=False,
                field_name="file",
                accept=SUPPORT_ACCEPT,
            )
        rows.append({"current_block": block, "support": by_block.get(block.pk), "upload": upload})
    return render(
        request,
        "web/portfolio/supports.html",
        {"portfolio": portfolio, "can_edit": can_edit, "rows": rows},
    )
