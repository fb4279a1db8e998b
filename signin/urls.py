from django.urls import path

from signin.views import keys, passkeys, second_factor, sso

app_name = "signin"

# Everything under second-factor/ is open to a session that still owes its second factor.
urlpatterns = [
    path("second-factor/", second_factor.second_factor, name="second-factor"),
    path("second-factor/set-up/", second_factor.set_up, name="set-up"),
    path("second-factor/recovery-codes/", second_factor.recovery_codes, name="recovery-codes"),
    path("second-factor/passkey/options/", passkeys.authenticate_options, name="passkey-options"),
    path("second-factor/passkey/", passkeys.authenticate, name="passkey"),
    path("second-factor/passkey/new/options/", passkeys.register_options, name="passkey-new-options"),
    path("second-factor/passkey/new/", passkeys.register, name="passkey-new"),
    path("security/", second_factor.security, name="security"),
    path("sso/", sso.sso_start, name="sso-start"),
    path("sso/callback/", sso.sso_callback, name="sso-callback"),
    path("sso/jwks.json", keys.public_key_set, name="sso-jwks"),
]
