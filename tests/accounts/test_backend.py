from models_app.accounts.backends import UserWithTenantBackend


def test_the_user_of_a_session_comes_with_their_tenant(owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = UserWithTenantBackend().get_user(owner.pk)
        assert user.tenant.name == "Acme"


def test_a_deactivated_user_is_signed_out(owner):
    owner.is_active = False
    owner.save()
    assert UserWithTenantBackend().get_user(owner.pk) is None


def test_a_deleted_user_is_signed_out(db):
    assert UserWithTenantBackend().get_user(123456) is None
