import factory
from factory.django import DjangoModelFactory

from models_app.versions.models import ModelVersion

from ..factories import AIModelFactory


class VersionFactory(DjangoModelFactory):
    class Meta:
        model = ModelVersion

    model = factory.SubFactory(AIModelFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"v{o.number}")
