"""Requests htmx makes to replace one part of a page (htmx.org/reference/#request_headers)."""


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def swaps(request, target_id: str) -> bool:
    """Whether this is an htmx request to replace only the element `target_id`; a history
    restore (the back button) needs the whole page and is not one."""
    headers = request.headers
    return (
        is_htmx(request)
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Target") == target_id
    )
