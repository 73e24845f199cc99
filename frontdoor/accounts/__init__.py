"""Staff accounts shared by the knowledge editor and the advisor console.

Users with roles (editor, reviewer, admin, advisor, supervisor, manager) and teams,
argon2 password hashes, server-side sessions referenced by an HttpOnly
SameSite cookie, login throttling and CSRF tokens.
"""
