from dataclasses import replace

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from models_app.access.caller import caller_of
from models_app.accounts.models import User, normalize_email
from models_app.catalog.admin import register_model_inline

from .models import Invitation, Share
from .services import (
    SharingError,
    invitation_revoke,
    invitation_send,
    share_add,
    share_change_role,
    share_remove,
    share_target_problem,
)


def _admin(request):
    return replace(caller_of(request), via="admin")


class ShareFormSet(BaseInlineFormSet):
    """The shares of a model on its admin page, written through the sharing services (the
    model's lock, the rules, the audit), as on its Sharing tab."""

    caller = None

    def _adding(self):
        for form in self.extra_forms:
            if form.has_changed() and not self._should_delete_form(form):
                yield form

    def clean(self):
        super().clean()
        for form in self._adding():
            user = form.cleaned_data.get("user")
            if user is not None:
                problem = share_target_problem(self.instance, user.email, self.caller)
                if problem:
                    form.add_error("user", problem)

    def save(self, commit=True):
        # What the admin's change message lists, as a model formset's save() would set it.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        model = self.instance
        try:
            for form in self.initial_forms:
                email = form.instance.user.email
                if self._should_delete_form(form):
                    share_remove(model, email, self.caller)
                    self.deleted_objects.append(form.instance)
                elif "role" in form.changed_data:
                    share_change_role(model, email, form.cleaned_data["role"], self.caller)
                    self.changed_objects.append((form.instance, ["role"]))
            for form in self._adding():
                data = form.cleaned_data
                added = share_add(model, data["user"].email, data["role"], self.caller)
                self.new_objects.append(added.share)
        except SharingError as exc:
            # Changed by someone else between the form's check and this write.
            raise forms.ValidationError(str(exc)) from exc
        return self.new_objects


class ShareInline(admin.TabularInline):
    """People the model is shared with; changes here take the Sharing tab's path."""

    model = Share
    fk_name = "model"
    formset = ShareFormSet
    fields = ["user", "role", "invited_by", "created_at"]
    readonly_fields = ["invited_by", "created_at"]
    autocomplete_fields = ["user"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.caller = _admin(request)
        return formset


register_model_inline(ShareInline)


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


class InvitationAddForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["model", "email", "role"]

    def clean(self):
        data = super().clean()
        model, email = data.get("model"), data.get("email")
        if model is not None and email:
            problem = share_target_problem(model, email, None)
            if problem is None and User.objects.filter(email=normalize_email(email)).exists():
                problem = _(
                    "%(email)s has an account: share the model with them on the model's page."
                ) % {"email": email}
            if problem:
                self.add_error("email", problem)
        return data


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
    """Invitations are looked at and revoked here; adding one takes the Sharing tab's path
    (`share_add`: the model's lock, the rules, the e-mail with the only copy of the token, the
    audit), and an address that has an account is simply shared with."""

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
            kwargs["fields"] = ["model", "email", "role"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["model", "email", "role"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_autocomplete_fields(self, request):
        return ["model"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        added = share_add(data["model"], data["email"], data["role"], _admin(request))
        url = request.build_absolute_uri(reverse("sharing:signup", args=[added.token]))
        if not invitation_send(added.invitation, url):
            self.message_user(
                request,
                _("The invitation is pending, but the e-mail could not be sent."),
                messages.WARNING,
            )
        obj.pk = added.invitation.pk

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
            invitation_revoke(invitation, _admin(request))
        count = len(pending)
        self.message_user(
            request,
            ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
