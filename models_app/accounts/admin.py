from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import AdminSignInForm, UserAdminChangeForm, UserAdminCreationForm
from .models import Tenant, TenantDomain, User
from .services import tenant_for_email, user_joined

# /admin/login/ is throttled like /accounts/login/ (django-axes, settings AXES_*).
admin.site.login_form = AdminSignInForm


class TenantDomainInline(admin.TabularInline):
    model = TenantDomain
    extra = 1


class TenantMemberInline(admin.TabularInline):
    """The tenant's members, read-only: a user's tenant is changed on the user's page."""

    model = User
    fields = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "domain_list", "created_at"]
    search_fields = ["name", "domains__domain"]
    # The namespace of the members' repository ids: made from the name once, then kept.
    readonly_fields = ["slug"]
    inlines = [TenantDomainInline, TenantMemberInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("members"))
            .prefetch_related("domains")
        )

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj):
        url = reverse("admin:accounts_user_changelist") + f"?tenant__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._members)

    @admin.display(description=_("e-mail domains"))
    def domain_list(self, obj):
        return ", ".join(d.domain for d in obj.domains.all())


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "tenant",
        "model_count",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    ]
    list_filter = ["tenant", "is_staff", "is_superuser", "is_active", "last_login"]
    list_select_related = ["tenant"]
    search_fields = ["email", "display_name", "tenant__name"]
    autocomplete_fields = ["tenant"]
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    actions = ["lift_sign_in_lockout"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_models=Count("owned_models"))

    @admin.action(description=_("Lift the sign-in lockout of the selected users"))
    def lift_sign_in_lockout(self, request, queryset):
        """Forgets the failed sign-ins counted against these accounts (django-axes); those
        counted against a client address stay, under Axes › Access attempts."""
        users = list(queryset)
        for user in users:
            axes_reset(username=user.email)
        text = ngettext(
            "Failed sign-ins of %(count)d user forgotten: the account is not locked out.",
            "Failed sign-ins of %(count)d users forgotten: the accounts are not locked out.",
            len(users),
        )
        self.message_user(request, text % {"count": len(users)}, messages.SUCCESS)

    @admin.display(description=_("models owned"), ordering="_models")
    def model_count(self, obj):
        return obj._models

    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "tenant"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "tenant", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change):
        """A user added here is treated like one from `create_user`: the tenant of the
        e-mail domain when none is chosen, and pending invitations take effect."""
        if not change and obj.tenant_id is None:
            obj.tenant = tenant_for_email(obj.email)
        super().save_model(request, obj, form, change)
        if not change:
            user_joined(obj)
