from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record

from .models import Invitation, Share
from .services import invitation_revoke


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    list_display = ["model", "user", "tenant", "role", "invited_by", "created_at"]
    list_filter = ["role", "user__tenant"]
    list_select_related = ["model", "user__tenant", "invited_by"]
    search_fields = ["model__title", "user__email", "user__tenant__name"]
    autocomplete_fields = ["model", "user", "invited_by"]
    date_hierarchy = "created_at"

    @admin.display(description=_("tenant"), ordering="user__tenant__name")
    def tenant(self, obj):
        return obj.user.tenant or "—"


class InvitationStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Pending")),
            ("accepted", _("Accepted")),
            ("revoked", _("Revoked")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "pending":
            return queryset.pending(now)
        if value == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False, accepted_at__isnull=True)
        if value == "expired":
            return queryset.filter(
                Q(expires_at__lte=now), accepted_at__isnull=True, revoked_at__isnull=True
            )
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from a model's sharing tab (the e-mail carries the only copy of
    the token); here they are looked at and revoked."""

    list_display = [
        "email",
        "model",
        "role",
        "status_label",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_filter = [InvitationStatusFilter, "role"]
    list_select_related = ["model", "invited_by"]
    search_fields = ["email", "model__title", "invited_by__email"]
    date_hierarchy = "created_at"
    readonly_fields = ["model", "email", "invited_by", "created_at", "accepted_at", "revoked_at"]
    fields = [
        "model",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "accepted_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return {
            "pending": _("Pending"),
            "accepted": _("Accepted"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
        }[obj.status]

    @admin.action(description=_("Revoke the selected pending invitations"))
    def revoke(self, request, queryset):
        pending = list(queryset.pending().select_related("model"))
        for invitation in pending:
            invitation_revoke(invitation)
            audit_record(
                request,
                AuditAction.INVITATION_REVOKED,
                invitation.model,
                email=invitation.email,
                via="admin",
            )
        count = len(pending)
        self.message_user(
            request,
            ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
