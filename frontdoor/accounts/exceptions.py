"""Account errors.

AccountsError            base (code, message)
├── InvalidCredentials   wrong email or password (one wording for both)
├── LoginThrottled       too many failed logins; carries retry_after seconds
├── NotAuthenticated     no valid session (HTTP 401)
├── PermissionDenied     signed in but lacking the role (HTTP 403)
├── CsrfError            missing or wrong CSRF token (HTTP 403)
├── UserExists           email already registered
└── WeakPassword         password does not meet the policy
"""

from __future__ import annotations

from frontdoor.exceptions import FrontdoorError


class AccountsError(FrontdoorError):
    code = "accounts_error"


class InvalidCredentials(AccountsError):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("The email address or password is not right.")


class LoginThrottled(AccountsError):
    code = "login_throttled"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        if self.retry_after < 120:
            wait = f"{self.retry_after} second{'s' if self.retry_after != 1 else ''}"
        else:
            wait = f"{-(-self.retry_after // 60)} minutes"
        super().__init__(
            f"Too many sign-in attempts that did not work. Wait {wait}, then try again."
        )


class NotAuthenticated(AccountsError):
    code = "not_authenticated"

    def __init__(self) -> None:
        super().__init__("Sign in to continue.")


class PermissionDenied(AccountsError):
    code = "permission_denied"

    def __init__(self, needed: str = "") -> None:
        super().__init__(f"Your account does not have the {needed or 'required'} role.")


class CsrfError(AccountsError):
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(
            "The form expired or came from another site. Reload the page and try again."
        )


class UserExists(AccountsError):
    code = "user_exists"


class WeakPassword(AccountsError):
    code = "weak_password"
