"""Every URL of the site, generated from the URL configuration, for every kind of user.

The walk reads `get_resolver()` recursively, so a page added later is walked too. Each URL
pattern must match a rule in RULES (or, for the admin, ADMIN_ACTIONS and ACCESS); one that
does not fails `test_every_url_pattern_is_classified` with a message saying where to add it.

- Anonymous: every URL redirects to a sign-in page, is a 404, or is explicitly public, and
  no response contains the canary patient's name.
- Each role (and a signed-in user with no role) gets the status its family expects, and
  every response to a signed-in user says `Cache-Control: no-store`.
- A referrer (a clinician at a referring hospital) gets 403 from every URL outside the referrer
  pages (`refer/...`) except public pages, signing out and the second-factor pages, and sees their
  organisation's referral.
- Without a CSRF token, a POST to any URL is refused with 403.
"""
