"""`GET /api/whoami-v2` as the Hugging Face client reads it (`HfApi.whoami`, `hf auth
whoami`, `login`): `name` is the namespace the client uploads to, `auth.accessToken` the
token's name and role."""


def user_handle(user) -> str:
    """The user's handle: the part of their e-mail address before the @ (until users have a
    handle of their own)."""
    return user.email.split("@")[0]


def whoami_answer(user, token) -> dict:
    return {
        "type": "user",
        "id": str(user.pk),
        "name": user_handle(user),
        "fullname": user.display_name or user_handle(user),
        "email": user.email,
        "emailVerified": True,
        "orgs": [],
        "auth": {
            "type": "access_token",
            "accessToken": {"displayName": token.name, "role": token.scope},
        },
    }
