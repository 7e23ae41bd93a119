import logging

from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 `ok` when the database and the storage answer (SPEC §9); 503 naming what did not.
    Load balancers probe with HEAD: it runs the same checks (the server drops the body)."""
    failed = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("health check: database")
        failed.append("database")
    try:
        default_storage.exists("healthz-probe")
    except Exception:
        logger.exception("health check: storage")
        failed.append("storage")
    if failed:
        return HttpResponse(
            "unavailable: " + ", ".join(failed), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")
