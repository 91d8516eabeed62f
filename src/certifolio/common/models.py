import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certifolio.common.text import check_storable_text


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEventImmutableError(Exception):
    """Raised when something tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Updates and deletes are refused; events are appended by ``record_event``."""

    def update(self, **kwargs):
        raise AuditEventImmutableError("Audit events cannot be changed.")

    def delete(self):
        raise AuditEventImmutableError("Audit events cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AuditEventImmutableError("Audit events cannot be changed.")


class AuditEvent(models.Model):
    """One entry of the audit trail, chained to the previous one by its hash.

    ``hash`` is the SHA-256 of the previous event's hash followed by the canonical JSON
    of the hashed fields (every field but ``actor``, ``prev_hash`` and ``hash``; see
    ``certifolio.common.audit``). ``actor`` is a convenience link that becomes null when
    the user is deleted; ``actor_uuid`` and ``actor_label`` keep who it was, and the
    verification checks that the link, while set, points to the account of that
    ``actor_uuid``.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_uuid = models.UUIDField(_("actor identifier"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object identifier"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Text rather than an IP field: the hash covers the exact stored text, and a database
    # type such as PostgreSQL's inet may rewrite the address on the way back.
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["action", "sequence"], name="audit_action_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["occurred_at"], name="audit_occurred_idx"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutableError("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("web:audit_event", kwargs={"uuid": self.uuid})

    def delete(self, *args, **kwargs):
        raise AuditEventImmutableError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The one row that holds the chain's last sequence and hash.

    Appending locks this row (``select_for_update``), so two writers never chain onto
    the same event; ``verify_chain`` also checks that the last event matches it, which
    catches events removed from the end, and that no event lies beyond it. It is
    created with the first event and never deleted.
    """

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"#{self.sequence} {self.hash}"


class StorableTextMixin:
    """Refuses, in ``clean_fields()``, text that cannot be stored or shown.

    Every CharField and TextField of the model is checked (``common.text``): no lone
    surrogate, no NUL, no control character, except tabs and line breaks in a TextField.
    ``full_clean()`` runs it, so the admin, the pages, the API and the commands all refuse
    the same text, and no field needs a validator (nor a migration) of its own.
    """

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        errors: dict = {}
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if (
                field.name in exclude
                or not isinstance(field, models.CharField | models.TextField)
                or not isinstance(value, str)
            ):
                continue
            try:
                check_storable_text(
                    value,
                    label=str(field.verbose_name),
                    multiline=isinstance(field, models.TextField),
                )
            except ValidationError as error:
                errors[field.name] = error.error_list
        try:
            # A field already refused is not validated further: its validators might
            # choke on the very character refused.
            super().clean_fields(exclude=exclude | set(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def clean_only(instance: models.Model, *names: str) -> None:
    """``clean_fields()`` of ``instance`` on the fields ``names`` only (those a workflow sets)."""
    instance.clean_fields(
        exclude=[field.name for field in instance._meta.concrete_fields if field.name not in names]
    )
