"""WSGI entry point: ``gunicorn --pythonpath src gongjiang.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
application = get_wsgi_application()
