from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts import chain
from gongjiang.accounts.enums import AuditAction, OrganisationKind, Role, Via
from gongjiang.core import bulk
from gongjiang.core.append_only import AppendOnlyModel, AppendOnlyQuerySet


class Organisation(models.Model):
    """The district federation and its grassroots unions, as a tree.

    ``path`` is the chain of ids from the root (``/1/7/``) so that "this union and the unions
    under it" is one indexed prefix match instead of a recursive query.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Used in rosters and on the command line.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_edit", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MODEL_WORKER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    model_worker = models.OneToOneField(
        "archive.ModelWorker",
        verbose_name=_("own model-worker record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user_account",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    large_text = models.BooleanField(_("large text"), default=False)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_edit", args=[self.pk])

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_change_due(self, policy: SecurityPolicy | None = None) -> bool:
        """Must the user choose a new password before anything else (set by an admin's reset, or
        the policy's expiry)? Pages send them to the change form; API tokens are refused."""
        if self.must_change_password:
            return True
        policy = policy or SecurityPolicy.current()
        if policy.expiry_days and self.password_changed_at:
            return timezone.now() - self.password_changed_at > timedelta(days=policy.expiry_days)
        return False

    def delete(self, *args, **kwargs):
        # Users are deactivated, never deleted: the audit log points at them.
        raise PermissionDenied(_("Users are deactivated, not deleted."))


class SecurityPolicy(models.Model):
    """Login and password rules, edited by the federation admin (等保 level by default)."""

    min_length = models.PositiveSmallIntegerField(_("minimum password length"), default=8)
    require_letters = models.BooleanField(_("require letters"), default=True)
    require_digits = models.BooleanField(_("require digits"), default=True)
    require_symbols = models.BooleanField(_("require symbols"), default=True)
    expiry_days = models.PositiveSmallIntegerField(
        _("password expiry (days)"), default=0, help_text=_("0 means passwords do not expire.")
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(_("idle timeout (minutes)"), default=30)
    password_history = models.PositiveSmallIntegerField(
        _("passwords remembered"),
        default=5,
        help_text=_("A new password may not be any of this many most recent ones; 0 turns the rule off."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    CACHE_KEY = "security-policy"

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self) -> str:
        return str(_("Security policy"))

    @classmethod
    def current(cls) -> SecurityPolicy:
        policy = caches["local"].get(cls.CACHE_KEY)
        if policy is None:
            policy = cls.objects.order_by("pk").first() or cls()
            caches["local"].set(cls.CACHE_KEY, policy, 30)  # read on every page: no round trip
        return policy


class PasswordHistory(models.Model):
    """A password the user had before (its hash only), so that it is not chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    encoded = models.CharField(max_length=128)
    replaced_at = models.DateTimeField(default=timezone.now)

    KEEP = 24  # the most any policy may ask to remember

    class Meta:
        indexes = [models.Index(fields=["user", "-replaced_at"], name="password_history_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.replaced_at:%Y-%m-%d}"


class AuditQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Many entries at once, chained like single ones (see ``accounts.chain``)."""

        if kwargs.get("update_conflicts"):
            self._refuse()
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain.seal(objs, using=self.db)
            # Ids drawn while the chain is held (after ``seal``), so id order is chain order.
            for obj, pk in zip(objs, sorted(bulk.reserve_ids(self.model, len(objs))), strict=True):
                obj.pk = pk
            return super().bulk_create(objs, *args, **kwargs)


class AuditEntry(AppendOnlyModel):
    """One thing that happened: who, when, from where, to what, before and after.

    Append-only (``core.append_only``): the model and the database refuse updates and deletes,
    so nothing in the application can rewrite history. Each entry holds the hash of the one
    before it (``accounts.chain``), so a change made behind the application's back — by the
    database's owner, or in a backup — shows in ``manage.py verify_audit``.
    """

    APPEND_ONLY_MESSAGE = "audit entries are immutable"

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    via = models.CharField(_("channel"), max_length=10, choices=Via.choices, default=Via.WEB)
    # No database choices: the labels live in ``AuditAction`` (see ``get_action_display``), so a
    # new kind of entry needs no migration of the log's table.
    action = models.CharField(_("action"), max_length=20)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The model worker the entry concerns (their record, honour, family, hardship file): the
    # profile page shows this history. A plain integer: the log must outlive any reference.
    model_worker_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # SHA-256 of the entry before (by id) and of this entry's content with that hash.
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at", "id"], name="audit_at"),
            models.Index(fields=["model_worker_id", "at"], name="audit_worker"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
            models.Index(fields=["action", "at"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if not self._state.adding:
            super().save(*args, **kwargs)  # refused
        with transaction.atomic(using=using, savepoint=False):
            chain.seal([self], using=using)
            super().save(*args, **kwargs)

    def get_action_display(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
