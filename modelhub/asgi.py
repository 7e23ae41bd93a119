import os

from django.core.asgi import get_asgi_application

from modelhub.umask import restrict_new_files

restrict_new_files()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modelhub.settings")
application = get_asgi_application()
