import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from signin.oidc import client


class Command(BaseCommand):
    help = (
        "Print the public half of the private_key_jwt key (OIDC_CLIENT_KEY_FILE) as a JWK Set, under "
        "OIDC_CLIENT_KEY_ID: what the provider needs to verify this app's assertions. Never prints the private key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(json.dumps(client.public_key_set(), indent=2))
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
