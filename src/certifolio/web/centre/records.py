"""The candidate record: identity (as the CPF declaration needs it) and contact details.

The candidate edits his contact details and reads his identity; the staff of his
training centre and managers edit his identity and read his contact details. Anybody
else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from certifolio.accounts.queries import person_for
from certifolio.portfolio.domain import records
from certifolio.portfolio.forms import CandidateContactForm, CandidateIdentityForm
from certifolio.portfolio.models import CandidateProfile

PARTS = {
    "identity": (
        "portfolio.edit_identity",
        CandidateIdentityForm,
        records.update_identity,
        records.IDENTITY_FIELDS,
    ),
    "contact": (
        "portfolio.edit_contact",
        CandidateContactForm,
        records.update_contact,
        records.CONTACT_FIELDS,
    ),
}


def _facts(record: CandidateProfile | None, fields) -> list[tuple[str, object]]:
    """(label, value) of each field, for reading; choices by their label."""
    facts = []
    for name in fields:
        field = CandidateProfile._meta.get_field(name)
        value = None
        if record is not None:
            value = (
                getattr(record, f"get_{name}_display")() if field.choices else getattr(record, name)
            )
        facts.append((capfirst(field.verbose_name), value))
    return facts


def _unbound_form(form_class, record, person):
    if record is not None:
        return form_class(instance=record)
    # A first record starts from the names the account already has.
    return form_class(initial={"birth_name": person.last_name, "first_name_1": person.first_name})


@login_required
def candidate_record(request, uuid):
    person = person_for(request.user, uuid, perm="portfolio.view_record")
    record = records.candidate_record(person)
    allowed = {part: request.user.has_perm(perm, person) for part, (perm, *_rest) in PARTS.items()}
    forms = {
        part: _unbound_form(PARTS[part][1], record, person)
        for part, may_edit in allowed.items()
        if may_edit
    }
    if request.method == "POST":
        part = request.POST.get("part", "")
        if not allowed.get(part):
            raise Http404
        _perm, form_class, save, _fields = PARTS[part]
        form = forms[part] = form_class(request.POST)
        if form.is_valid():
            try:
                _record, changed = save(person, actor=request.user, **form.values())
            except ValidationError as error:
                form.add_domain_error(error)
            else:
                if changed:
                    messages.success(request, _("The record is saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("web:candidate_record", uuid=person.uuid)
    return render(
        request,
        "web/candidates/record.html",
        {
            "person": person,
            "record": record,
            "identity_form": forms.get("identity"),
            "contact_form": forms.get("contact"),
            "identity": _facts(record, records.IDENTITY_FIELDS),
            "contact": _facts(record, records.CONTACT_FIELDS),
            "is_self": person.pk == request.user.pk,
        },
    )
