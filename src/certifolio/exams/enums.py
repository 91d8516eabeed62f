from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """A session's phases, in the order they follow; each decides what each role may do."""

    PREPARATION = "preparation", _("Preparation")
    REGISTRATIONS = "registrations", _("Registrations")
    PORTFOLIOS = "portfolios", _("Portfolios")
    ORALS = "orals", _("Orals")
    DELIBERATION = "deliberation", _("Deliberation")
    CLOSED = "closed", _("Closed")

    @property
    def rank(self) -> int:
        return list(Phase).index(self)


class HalfDay(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class JurorGender(models.TextChoices):
    """Recorded only when the juror gives it, for the VAE gender-balance rule."""

    FEMALE = "F", _("Woman")
    MALE = "M", _("Man")


class TieKind(models.TextChoices):
    """What a juror declares he must not judge."""

    CANDIDATE = "candidate", _("Candidate")
    COMPANY = "company", _("Company")
    CENTRE = "centre", _("Training centre")


class JuryRole(models.TextChoices):
    PRESIDENT = "president", _("President")
    MEMBER = "member", _("Member")


class OralMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")


class PlanState(models.TextChoices):
    """Where the session's plan of orals stands."""

    NONE = "none", _("Not planned")
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PlanRunKind(models.TextChoices):
    PLAN = "plan", _("Plan")
    REPLAN = "replan", _("Re-plan")


class SolverStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal")
    FEASIBLE = "feasible", _("Feasible (not proven optimal)")
    INFEASIBLE = "infeasible", _("Infeasible")
    UNKNOWN = "unknown", _("No plan found within the time limit")


class Impact(models.TextChoices):
    """A composition rule's impact level, set in the certification's data."""

    BLOCKING = "blocking", _("Blocking")
    WARNING = "warning", _("Warning")


class MessageKind(models.TextChoices):
    CONVOCATION = "convocation", _("Convocation")
    UPDATE = "update", _("Change to a convocation")
    REMINDER = "reminder", _("Reminder")
    CANCELLATION = "cancellation", _("Cancellation")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
