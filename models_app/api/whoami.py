"""`GET /api/whoami-v2` as the Hugging Face client reads it (`HfApi.whoami`, `hf auth
whoami`, `login`): `name` is the user's handle, `orgs` their tenant (the namespace of the
models they own when they have one, see catalog/repo ids), `auth.accessToken` the token's
name and role."""


def whoami_answer(user, token) -> dict:
    tenant = user.tenant
    orgs = [{"type": "org", "name": tenant.slug, "fullname": tenant.name}] if tenant else []
    return {
        "type": "user",
        "id": str(user.pk),
        "name": user.handle,
        "fullname": user.display_name or user.handle,
        "email": user.email,
        "emailVerified": True,
        "orgs": orgs,
        "auth": {
            "type": "access_token",
            "accessToken": {"displayName": token.name, "role": token.scope},
        },
    }
