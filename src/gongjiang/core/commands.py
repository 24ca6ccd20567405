from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation


class ChineseCommand(BaseCommand):
    """A command that talks to the operator in the product's language (zh-hans by default)."""

    def execute(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
