"""Upload reference: the least a WSGI app can do — stream the body to disk while hashing."""

import hashlib
import os
import tempfile

OUT = os.environ.get("BENCH_UPLOAD_DIR", tempfile.gettempdir())


def application(environ, start_response):
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    body, digest = environ["wsgi.input"], hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=OUT, delete=False) as out:
        while remaining > 0:
            chunk = body.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            remaining -= len(chunk)
    start_response("201 Created", [("Content-Type", "text/plain")])
    return [digest.hexdigest().encode()]
