"""The sign-in backend: Django's ModelBackend behind the sign-in throttle.

Throttling here rather than in a form covers every way in: the sign-in page, the
admin's own login page, and anything else that calls `authenticate()` or
`aauthenticate()`.
"""

import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from accounts import throttle

logger = logging.getLogger(__name__)


class MemberLoadingBackend(ModelBackend):
    """Loads the signed-in user with their team membership (`mdt.Member`, by its reverse name) in the one
    query of each request: the access policy asks for the role or the membership on nearly every page."""

    def get_user(self, user_id: Any) -> Any:
        try:
            user = get_user_model()._default_manager.select_related("member").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ThrottledModelBackend(MemberLoadingBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None or not settings.PASSWORD_SIGN_IN:
            return None  # PASSWORD_SIGN_IN off: single sign-on only, on every sign-in page
        counters = throttle.counters(username=username, address=throttle.client_address(request))
        if not throttle.reserve_attempt(counters):
            # Hash the password anyway: a refusal must take as long as a wrong password,
            # or the response time would tell that this username is paused.
            user_model().set_password(password)
            logger.warning("Sign-in refused: too many failed attempts for this username or address")
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.attempt_succeeded(counters)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend's own async version would skip the throttle.
        return await sync_to_async(self.authenticate)(request, username=username, password=password, **kwargs)
