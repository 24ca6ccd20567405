import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongjiang.accounts.models import PasswordHistory, SecurityPolicy


class PolicyPasswordValidator:
    """Password rules from the security policy the federation admin edits (等保 by default:
    at least 8 characters with letters, digits and a symbol)."""

    def _policy(self):

        return SecurityPolicy.current()

    def validate(self, password, user=None):
        policy = self._policy()
        problems = []
        if len(password) < policy.min_length:
            problems.append(_("at least %(n)d characters") % {"n": policy.min_length})
        if policy.require_letters and not re.search(r"[A-Za-z]", password):
            problems.append(_("a letter"))
        if policy.require_digits and not re.search(r"\d", password):
            problems.append(_("a digit"))
        if policy.require_symbols and not re.search(r"[^A-Za-z0-9]", password):
            problems.append(_("a symbol such as @ # % !"))
        if problems:
            raise ValidationError(
                _("The password needs %(what)s.") % {"what": _("、").join(problems)}, code="password_policy"
            )

    def get_help_text(self):
        policy = self._policy()
        parts = [_("at least %(n)d characters") % {"n": policy.min_length}]
        if policy.require_letters:
            parts.append(_("a letter"))
        if policy.require_digits:
            parts.append(_("a digit"))
        if policy.require_symbols:
            parts.append(_("a symbol such as @ # % !"))
        return _("The password needs %(what)s.") % {"what": _("、").join(parts)}


class PasswordHistoryValidator:
    """Not the current password nor any of the last few (``SecurityPolicy.password_history``
    counts them all, the current one included)."""

    def _count(self) -> int:

        return SecurityPolicy.current().password_history

    def validate(self, password, user=None):

        n = self._count()
        if not n or user is None or not user.pk:
            return
        earlier = PasswordHistory.objects.filter(user=user).order_by("-replaced_at", "-id")
        hashes = [user.password, *earlier.values_list("encoded", flat=True)[: n - 1]]
        if any(encoded and check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("This is one of your last %(n)d passwords; choose one you have not used before.") % {"n": n},
                code="password_reused",
            )

    def get_help_text(self):
        n = self._count()
        return _("It may not be one of your last %(n)d passwords.") % {"n": n} if n else ""
