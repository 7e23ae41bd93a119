"""Shares as a grant source for the access module: who a model is shared with, and as what."""

from .models import Share


class ShareGrants:
    def model_ids(self, user):
        return Share.objects.filter(user=user).order_by().values_list("model_id", flat=True)

    def role(self, user, model) -> str | None:
        return Share.objects.filter(model=model, user=user).values_list("role", flat=True).first()

    def drop(self, user, model) -> None:
        Share.objects.filter(model=model, user=user).delete()


SHARES = ShareGrants()
