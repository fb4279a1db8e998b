from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from accounts import middleware, policy, roles

        # After every migrate (and every test-database flush), so that permissions of
        # models added since the last run reach the groups without editing roles.py.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        user_logged_in.connect(middleware.mark_signed_in, dispatch_uid="accounts.mark_signed_in")
        user_logged_in.connect(policy.remember_at_sign_in, dispatch_uid="accounts.referrer_at_sign_in")
