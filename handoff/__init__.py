"""Live chat between residents, the Rasa bot and human advisors.

Start with ``PROTOCOL.md`` (the contract with the widget and the console).
Sans-I/O core: ``states`` (the conversation state machine), ``protocol``
(frames, limits), ``delivery`` (sequence numbers, cursors), ``routing``
(queues, caps, assignment), ``hours`` (opening hours). Around it: ``store``
(SQLAlchemy), ``hub`` (live connections and fan-out), ``service`` (the use
cases), ``dispatcher`` (the routing loop), ports for the bot, the back office
and identity, and ``app.create_app`` composing them.
"""
