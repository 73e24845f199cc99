"""Alembic migrations for every component, one branch each.

Each component keeps its revisions in ``versions/<component>/``; the first
revision of a component carries ``branch_labels = ("<component>",)`` and
``down_revision = None``. ``frontdoor db upgrade`` upgrades all heads.
"""
