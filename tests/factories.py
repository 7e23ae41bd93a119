import factory
from factory.django import DjangoModelFactory

from models_app.accounts.models import Tenant, TenantDomain, User
from models_app.catalog.models import AIModel
from models_app.catalog.repoids import free_repo_name, namespace_of
from models_app.catalog.services import model_refresh_search
from models_app.catalog.titles import title_key
from models_app.sharing.models import Role, Share
from models_app.tags.models import Tag, TagCategory
from models_app.tags.parsing import tag_key

PASSWORD = "correct-horse-battery"


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tenant {n}")


class TenantDomainFactory(DjangoModelFactory):
    class Meta:
        model = TenantDomain

    tenant = factory.SubFactory(TenantFactory)
    domain = factory.Sequence(lambda n: f"org{n}.test")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@acme.test")
    display_name = factory.Faker("name")
    tenant = factory.SubFactory(TenantFactory, name="Acme")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["category", "key"]

    category = TagCategory.FRAMEWORK
    name = factory.Sequence(lambda n: f"tag{n}")
    key = factory.LazyAttribute(lambda o: tag_key(o.name))


class AIModelFactory(DjangoModelFactory):
    class Meta:
        model = AIModel
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"model-{n:04d}")
    title_key = factory.LazyAttribute(lambda o: title_key(o.title))
    repo_namespace = factory.LazyAttribute(lambda o: namespace_of(o.owner))
    repo_name = factory.LazyAttribute(lambda o: free_repo_name(o.repo_namespace, o.title))
    description = "A test model."
    base_model = "Qwen2-72B-Instruct"
    parameter_count = 7_000_000_000

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def searchable(obj, create, extracted, **kwargs):
        if create:
            model_refresh_search(obj)


class ShareFactory(DjangoModelFactory):
    class Meta:
        model = Share

    model = factory.SubFactory(AIModelFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER
