"""Repository ids `namespace/name` (SPEC §12), as the Hugging Face client names a model.

The namespace is the owner's tenant slug, or the owner's handle without a tenant, taken when
the model is made and kept when the owner changes. The name is a slug of the title, unique
in the namespace. A rename that changes the title's slug moves the id to the new slug and
keeps the old one as a RepoAlias: every id a model ever had resolves to it.
"""

from models_app.accounts.slugs import fallback_slug, first_free_slug, repo_slug

from .models import AIModel, RepoAlias


def namespace_of(user) -> str:
    return user.tenant.slug if user.tenant_id else user.handle


def title_slug(title: str) -> str:
    """The title's slug, "" when nothing of it is left (e.g. a Japanese title)."""
    return repo_slug(title)


def _taken_in(namespace: str, model: AIModel):
    """Whether a name is someone else's id in `namespace`, current or former."""

    def is_taken(name: str) -> bool:
        current = AIModel.objects.filter(repo_namespace=namespace, repo_name=name)
        former = RepoAlias.objects.filter(namespace=namespace, name=name)
        if model.pk is not None:
            current = current.exclude(pk=model.pk)
            former = former.exclude(model=model)
        return current.exists() or former.exists()

    return is_taken


def free_repo_name(namespace: str, title: str, model: AIModel | None = None) -> str:
    """The title's slug, numbered when another model has or had it in `namespace`."""
    model = AIModel() if model is None else model
    base = title_slug(title) or fallback_slug("model")
    return first_free_slug(base, _taken_in(namespace, model))


def assign_new_repo_id(model: AIModel) -> None:
    """Sets the id of a model about to be made (its owner and title set)."""
    model.repo_namespace = namespace_of(model.owner)
    model.repo_name = free_repo_name(model.repo_namespace, model.title, model)


def follow_renamed_title(model: AIModel, previous_title: str) -> None:
    """After a rename whose slug differs, the id follows the new title and the old id
    becomes an alias; run inside the write's transaction. A title with the same slug
    ("Llama" → "LLaMA") keeps the id as it is."""
    if title_slug(model.title) == title_slug(previous_title):
        return
    old_name = model.repo_name
    new_name = free_repo_name(model.repo_namespace, model.title, model)
    if new_name == old_name:
        return
    RepoAlias.objects.get_or_create(namespace=model.repo_namespace, name=old_name, model=model)
    # Renamed back to a former name: it is the current id again, not an alias.
    RepoAlias.objects.filter(namespace=model.repo_namespace, name=new_name, model=model).delete()
    model.repo_name = new_name
    AIModel.objects.filter(pk=model.pk).update(repo_name=new_name)


def model_pk_for_repo_id(namespace: str, name: str) -> int | None:
    """The id of the model whose current or former repository id this is, else None."""
    namespace, name = namespace.lower(), name.lower()
    current = AIModel.objects.filter(repo_namespace=namespace, repo_name=name)
    pk = current.values_list("pk", flat=True).first()
    if pk is None:
        former = RepoAlias.objects.filter(namespace=namespace, name=name)
        pk = former.values_list("model_id", flat=True).first()
    return pk
