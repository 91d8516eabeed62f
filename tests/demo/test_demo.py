from django.core.management import call_command

from certifolio.accounts.enums import Role
from certifolio.accounts.models import User
from certifolio.referential.models import Criterion, ReferentialVersion


def test_load_demo_creates_an_account_for_every_role(db, capsys):
    call_command("load_demo")

    roles = set(User.objects.values_list("role_grants__role", flat=True))
    assert roles == set(Role.values)
    assert "responsable@demo.certifolio.fr" in capsys.readouterr().out
    assert Criterion.objects.count() == 99


def test_load_demo_twice_changes_nothing(db):
    call_command("load_demo")
    before = (User.objects.count(), ReferentialVersion.objects.count())

    call_command("load_demo")

    assert (User.objects.count(), ReferentialVersion.objects.count()) == before


def test_demo_manager_logs_in_with_the_printed_second_factor(client, db, capsys):
    call_command("load_demo")
    call_command("demo_totp", "responsable@demo.certifolio.fr")
    code = capsys.readouterr().out.strip().splitlines()[-1]

    client.post(
        "/login/",
        {"username": "responsable@demo.certifolio.fr", "password": "demo-certifolio-2026"},
    )
    response = client.post("/login/verify/", {"code": code})

    assert response.status_code == 302
    assert client.get("/people/").status_code == 200
