import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from signin.oidc import jwks


class Command(BaseCommand):
    help = (
        "Print the public half of the private_key_jwt key (OIDC_CLIENT_KEY_FILE, under OIDC_CLIENT_KEY_ID) and of "
        "each previous key (OIDC_CLIENT_PREVIOUS_KEY_FILES) as a JWK Set: what the provider verifies this app's "
        "assertions with, the same set /accounts/sso/jwks.json serves. Never prints a private key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(json.dumps(jwks.public_key_set(), indent=2))
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
