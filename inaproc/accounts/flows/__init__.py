"""Sign-in flows: plain functions that take the request and run the steps of signing in
that span several services and the session (log in, record, rotate the session key,
continue to the second step, redirect to `next`). Views call them; they call services
and selectors, never views. (Modelled on django-allauth's account/internal/flows.)

- `pending`: the half-way sign-in kept in the session between the password and the
  second factor, and the remembered-browser cookie's name.
- `login`: `safe_next_url`, `sign_in`, `login_continue`, `inactive_login_response`.
- `second_factor`: one try at a factor (`factor_attempt`), finishing the second step.
- `passkeys`: the WebAuthn ceremony's session state (challenges), relying party, and
  the passkey ways in (without a password, second step, step-up).
- `email_requests`: the per-address throttle of account emails, as a 429.
"""
