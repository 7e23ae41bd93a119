"""Files the app makes are for its own user and group, not every user of the machine: the
data directory holds the secret key, the SQLite database, avatars and model files. Every
entry point (manage.py, wsgi.py, asgi.py) sets this before the settings make the data
directory; the storage's file modes (FILE_UPLOAD_PERMISSIONS) hold without it too."""

import os

APP_UMASK = 0o027


def restrict_new_files() -> None:
    os.umask(APP_UMASK)
