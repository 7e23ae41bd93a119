"""Which models a user may see at all: owned, granted (shared), or every one for a
superuser. Everything a user is shown or may act on starts from here (SPEC §1)."""

from django.db.models import Q

from . import grants

EVERY_MODEL = "every model"


def _sources_of(queryset, user):
    """None (nothing) for a signed-out or deactivated user, EVERY_MODEL for a superuser,
    else the id subqueries of the models they own and of those granted to them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return EVERY_MODEL
    owned = (
        queryset.model._default_manager.filter(owner=user).order_by().values_list("pk", flat=True)
    )
    return owned, [ids.order_by() for ids in grants.granted_model_ids(user)]


def visible(queryset, user, *, scan_in_order=False):
    """`queryset` narrowed to what `user` may see.

    The same set in two phrasings for PostgreSQL's planner. By default one id list
    (owned ∪ granted) joined by key: the few visible rows are looked up, never the whole
    table. `scan_in_order` tests each row's id against the id lists hashed instead, so a
    sorted page can walk its sort index (id included) and stop at the page's end."""
    sources = _sources_of(queryset, user)
    if sources is None:
        return queryset.none()
    if sources is EVERY_MODEL:
        return queryset
    owned, granted = sources
    if scan_in_order:
        condition = Q(pk__in=owned)
        for ids in granted:
            condition |= Q(pk__in=ids)
        return queryset.filter(condition)
    return queryset.filter(pk__in=owned.union(*granted, all=True))


def visible_ids(queryset, user):
    """The ids of `visible(queryset, user)`, in no order, read from the indexes alone."""
    sources = _sources_of(queryset, user)
    if sources is None:
        return queryset.none().values_list("pk", flat=True)
    if sources is EVERY_MODEL:
        return queryset.order_by().values_list("pk", flat=True)
    owned, granted = sources
    return owned.union(*granted)


def granted_ids(user):
    """The ids of the models granted to `user` (shared with them), as one subquery."""
    first, *others = grants.granted_model_ids(user)
    return first.union(*others) if others else first
