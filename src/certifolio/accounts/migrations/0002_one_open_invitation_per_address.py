from django.db import migrations, models
from django.utils import timezone


def revoke_older_open_invitations(apps, schema_editor):
    """Before the constraint: of an address's open invitations, only the newest stays open."""
    Invitation = apps.get_model("accounts", "Invitation")
    open_invitations = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("email", "-created_at", "-pk")
    newest_seen = set()
    older = []
    for pk, email in open_invitations.values_list("pk", "email"):
        if email in newest_seen:
            older.append(pk)
        newest_seen.add(email)
    Invitation.objects.filter(pk__in=older).update(revoked_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(revoke_older_open_invitations, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted_at__isnull", True), ("revoked_at__isnull", True)),
                fields=("email",),
                name="one_open_invitation_per_email",
            ),
        ),
    ]
