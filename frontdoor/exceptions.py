"""Errors shared by every Frontdoor service.

FrontdoorError            base; carries a stable ``code`` and a one-line message
├── ConfigurationError    a setting is missing or malformed (names the variable)
├── DatabaseError         the database cannot be reached, is corrupt, or its
│                         migrations conflict
├── SeedError             seeding refused (e.g. the database is not empty)
└── PortInUseError        a service's port is already taken

Services define their own domain errors in their own ``exceptions.py``; these
become HTTP statuses, websocket close codes or CLI exit codes only at the edge.
"""

from __future__ import annotations


class FrontdoorError(Exception):
    code = "frontdoor_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(FrontdoorError):
    code = "configuration_error"


class DatabaseError(FrontdoorError):
    code = "database_error"


class SeedError(FrontdoorError):
    code = "seed_error"


class PortInUseError(FrontdoorError):
    code = "port_in_use"
