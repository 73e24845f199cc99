"""Frontdoor: a UK council's digital front door.

Core package: settings, database plumbing, migrations, accounts, the operator
command line and the process launcher. The services live beside it in
``knowledge``, ``handoff`` and ``actions``.
"""

__version__ = "0.1.0"
