from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", _("Federation administrator")
    FEDERATION_STAFF = "federation_staff", _("Federation staff")
    UNION_STAFF = "union_staff", _("Grassroots union staff")
    STUDIO_LEADER = "studio_leader", _("Studio leader")
    AUDITOR = "auditor", _("Auditor")
    MODEL_WORKER = "model_worker", pgettext_lazy("role", "Model worker")


class OrganisationKind(models.TextChoices):
    FEDERATION = "federation", _("District federation of trade unions")
    GRASSROOTS = "grassroots", _("Grassroots union")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    ARCHIVE = "archive", _("Archived")
    RESTORE = "restore", _("Restored")
    REVOKE = "revoke", _("Revoked")
    VOID = "void", _("Voided")
    REVEAL = "reveal", _("Revealed masked data")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGE = "password_change", _("Changed password")
    PASSWORD_RESET = "password_reset", _("Reset password")
    UNLOCK = "unlock", _("Unlocked login")
    ACTIVATE = "activate", _("Activated")
    DEACTIVATE = "deactivate", _("Deactivated")
    IMPORT = "import", _("Imported")
    UNDO = "undo", _("Undid an import")
    MERGE = "merge", _("Merged")
    DOWNLOAD = "download", _("Downloaded")
    # Reads of personal data (one entry per request: the filter and the row count), refused
    # requests, confirmations by the federation, and security events (see ``SecurityEventKind``).
    READ = "read", _("Read personal data")
    REFUSED = "refused", _("Refused")
    CONFIRM = "confirm", _("Confirmed")
    SECURITY = "security", _("Security event")


class SecurityEventKind(models.TextChoices):
    """What a security event (an audit entry with action ``security``) is about; the admin's
    安全事件 page lists them beside lockouts, bursts of refusals and bulk unmasked exports."""

    LOCKOUT = "lockout", _("Login locked out")
    ADMIN_LOCKOUT = "admin_lockout", _("An administrator was locked out")
    REFUSAL_BURST = "refusal_burst", _("Many refused requests")
    HIDDEN_CLASH = "hidden_clash", _("ID number held by a record outside the user's scope")
    BULK_UNMASKED_EXPORT = "bulk_unmasked_export", _("Bulk unmasked export")
    INVALID_TOKENS = "invalid_tokens", _("Many invalid API tokens")
    THROTTLED = "throttled", _("Requests throttled")


class Via(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    TASK = "task", _("Background task")
    SYSTEM = "system", _("System")
