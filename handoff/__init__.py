"""Live chat between residents, the Rasa bot and human advisors.

Start with ``PROTOCOL.md`` (the contract with the widget and the console).

Sans-I/O core, tested without sockets or a database:
``states`` (the conversation state machine), ``protocol`` (frames, limits,
heartbeats), ``delivery`` (events, sequence numbers, cursors), ``routing``
(queues, caps, offers, estimates), ``hours`` (opening hours, Europe/London).

Around it: ``store`` (SQLAlchemy; the source of truth), ``lifecycle`` and
``assignment`` (the use cases as transactions), ``dispatcher`` (one routing
tick), ``hub`` (live sockets of this instance, ordered catch-up), ``fanout``
(Redis wake-ups between instances), ``consoles`` (keeping consoles and queue
positions current), ``live`` (the background loops), ``service`` and ``desk``
(the async use cases for residents and advisors), ports for the bot (``bot``),
the back office (``cases``), identity (``identity``) and the knowledge base
(``search``), and the edge: ``api``, ``ws``, ``deps``, ``exceptions``.
``app.create_app`` composes them; ``devserver`` runs them with fakes.
"""
