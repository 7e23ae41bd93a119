from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.constants import DEFAULT_TAGS
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from models_app.access.caller import caller_of
from models_app.access.roles import Action
from models_app.access.rules import allowed_actions, can, forget_roles
from models_app.accounts.backends import SESSION_BACKEND
from models_app.accounts.models import User, normalize_email
from models_app.accounts.services import user_create
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page_context

from .forms import InvitationSignUpForm, ShareAddForm, ShareChangeForm
from .limits import address_check_refusal, invitation_refusal
from .models import Role
from .services import (
    NoAccess,
    SharingError,
    invitation_accept,
    invitation_accept_problem,
    invitation_for_token,
    invitation_send,
    outside_tenant,
    share_add,
    share_change_role,
    share_or_invitation,
    share_remove,
    sharing_rows,
)


def _render(request, model, form=None, row_errors=None, notices=(), status=200):
    """The sharing tab: the whole page, or only its panel for an htmx request."""
    actions = allowed_actions(request, model)
    manage = Action.MANAGE_SHARING in actions
    if form is None and manage:
        form = ShareAddForm(model=model, actor=request.user)
    rows = sharing_rows(model)
    for row in rows:
        row.error = (row_errors or {}).get(row.email, "")
    context = model_page_context(request, model, "sharing")
    context |= {
        "rows": rows,
        "member_count": sum(1 for row in rows if not row.is_pending),
        "pending_count": sum(1 for row in rows if row.is_pending),
        "form": form,
        "manage": manage,
        "roles": Role.choices,
        "notices": [(DEFAULT_TAGS[level], text) for level, text in notices],
        "home_tenant": model.owner.tenant,
    }
    template = "sharing/_panel.html" if request.htmx else "sharing/sharing.html"
    return render(request, template, context, status=status)


def _done(request, model, notices):
    """After a change: the fresh panel for htmx, else a redirect with the notices as messages."""
    forget_roles(model)
    if not can(request, model, Action.VIEW):
        messages.info(request, _("You no longer have access to “%(title)s”.") % {"title": model})
        if request.htmx:
            return HttpResponseClientRedirect(reverse("catalog:list"))
        return redirect("catalog:list")
    if request.htmx:
        return _render(request, model, notices=notices)
    for level, text in notices:
        messages.add_message(request, level, text)
    return redirect("sharing:tab", ref=model.uuid, permanent=False)


def _email_hint(request, model):
    """The live note under the e-mail field: outside the owner's tenant, or no account yet."""
    email = normalize_email(request.GET.get("email", ""))
    context = {"email": email, "valid": "@" in email and "." in email.rpartition("@")[2]}
    if context["valid"]:
        # Only an answer tells anything, so only an address that gets one is counted.
        refusal = address_check_refusal(request.user)
        if refusal is not None:
            hint = render(request, "sharing/_email_hint.html", {"refusal": refusal})
            return _refused(hint, refusal)
        context["outside"] = outside_tenant(model, email)
        context["has_account"] = User.objects.filter(email=email).exists()
    return render(request, "sharing/_email_hint.html", context)


def _refused(response, refusal):
    """A rate-limited answer: 429, and when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.wait)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def sharing_view(request, ref):
    if request.method != "POST":
        if "check" in request.GET:
            # The hint belongs to the add form, which only those who manage sharing get; it
            # tells whether an address has an account, so nobody else may ask for it.
            return _email_hint(request, model_by_ref(request, Action.MANAGE_SHARING, ref=ref))
        return _render(request, model_by_ref(request, Action.VIEW, ref=ref))

    model = model_by_ref(request, Action.MANAGE_SHARING, ref=ref)
    form = ShareAddForm(request.POST, model=model, actor=request.user)
    if not form.is_valid():
        return _render(request, model, form=form, status=400)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    refusal = invitation_refusal(request.user, email)
    if refusal is not None:
        form.add_error("email", refusal.message)
        return _refused(_render(request, model, form=form), refusal)
    try:
        added = share_add(model, email, role, caller_of(request))
    except SharingError as exc:
        form.add_error("email", str(exc))
        return _render(request, model, form=form, status=400)
    names = {"email": email, "role": Role(role).label}
    notices = []
    if added.share is not None:
        notices.append((messages.SUCCESS, _("Shared with %(email)s as %(role)s.") % names))
    else:
        url = request.build_absolute_uri(reverse("sharing:signup", args=[added.token]))
        if invitation_send(added.invitation, url):
            notices.append(
                (
                    messages.SUCCESS,
                    _(
                        "%(email)s has no account yet: an invitation to sign up was e-mailed. "
                        "They get the %(role)s role when they sign up."
                    )
                    % names,
                )
            )
        else:
            notices.append(
                (
                    messages.WARNING,
                    _(
                        "The invitation for %(email)s is pending, but the e-mail could not be "
                        "sent. Revoke it and try again later."
                    )
                    % names,
                )
            )
    outside = outside_tenant(model, email)
    if outside is not None:
        notices.append(
            (
                messages.WARNING,
                _("Note: %(email)s is outside %(tenant)s.") % {"email": email, "tenant": outside},
            )
        )
    return _done(request, model, notices)


@require_POST
@vary_on_headers("HX-Request")
def share_change_view(request, ref, share):
    model = model_by_ref(request, Action.MANAGE_SHARING, ref=ref)
    email = normalize_email(share)
    if email == normalize_email(model.owner.email):
        error = _("The owner always has full access: they cannot be removed or given a role.")
        return _render(request, model, row_errors={email: error}, status=400)
    if share_or_invitation(model, email) is None:
        return _render(
            request,
            model,
            notices=[(messages.ERROR, _("%(email)s has no access to remove.") % {"email": email})],
            status=404,
        )
    form = ShareChangeForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _render(request, model, row_errors={email: error}, status=400)
    names = {"email": email}
    remove, role = form.cleaned_data["remove"], form.cleaned_data["role"]
    try:
        by = caller_of(request)
        if remove:
            changed = share_remove(model, email, by)
        else:
            changed = share_change_role(model, email, role, by)
    except NoAccess as exc:
        return _render(request, model, notices=[(messages.ERROR, str(exc))], status=404)
    except SharingError as exc:
        return _render(request, model, row_errors={email: str(exc)}, status=400)
    if remove:
        if changed.pending:
            text = _("The invitation for %(email)s was revoked.") % names
        else:
            text = _("%(email)s no longer has access.") % names
        return _done(request, model, [(messages.SUCCESS, text)])
    names["role"] = Role(role).label
    return _done(request, model, [(messages.SUCCESS, _("%(email)s is now %(role)s.") % names)])


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_signup_view(request, token):
    """The link of an invitation (S-34). No account yet: sign up with the invited address.
    An account exists: its owner, signed in, accepts with a POST. A GET or HEAD changes nothing."""
    invitation = invitation_for_token(token)
    if invitation is None or invitation.status in ("revoked", "expired"):
        status = 404 if invitation is None else 410
        state = invitation.status if invitation else "unknown"
        return render(request, "sharing/invitation_invalid.html", {"state": state}, status=status)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if invitation.status == "accepted":
        messages.info(
            request,
            _("An account for %(email)s exists already. Sign in to see the shared model.")
            % {"email": invitation.email},
        )
        query = urlencode({"next": invitation.model.get_absolute_url()})
        return redirect(f"{reverse('login')}?{query}")
    if existing is not None:
        return _invitation_accept(request, invitation)
    form = InvitationSignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            invitation.email,
            form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
        )
        login(request, user, backend=SESSION_BACKEND)
        messages.success(request, _("Welcome to ModelHub, %(email)s.") % {"email": user.email})
        return redirect(invitation.model)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invitation": invitation}
    return render(request, "sharing/signup.html", context, status=status)


def _invitation_accept(request, invitation):
    """An invitation for an address that has an account: accepted only by a POST from that
    account, signed in; anyone else is told what to do and nothing changes."""
    problem = invitation_accept_problem(invitation, request.user)
    context = {
        "invitation": invitation,
        "problem": problem,
        "login_url": f"{reverse('login')}?{urlencode({'next': request.path})}",
    }
    if problem:
        signed_out = not request.user.is_authenticated
        status = 200 if signed_out and request.method != "POST" else 403
        return render(request, "sharing/invitation_accept.html", context, status=status)
    if request.method != "POST":
        return render(request, "sharing/invitation_accept.html", context)
    try:
        invitation_accept(invitation, request.user)
    except SharingError as exc:
        context["problem"] = str(exc)
        return render(request, "sharing/invitation_accept.html", context, status=409)
    names = {"title": invitation.model, "role": invitation.get_role_display()}
    messages.success(request, _("You now have access to “%(title)s” as %(role)s.") % names)
    return redirect(invitation.model)
