"""What crosses a service boundary, typed, in one place that both sides import.

- ``handover``: the bot's request to pass a conversation to a person (actions →
  Rasa → handoff), and the verified identity it summarises;
- ``service_areas``: the service areas, and the team that handles each one
  (the bot picks the area, handoff routes it to the team);
- ``knowledge``: the knowledge service's search API and the one client the
  bot's actions and the advisor console both search it with.

Core imports no component here: these are plain models the components share.
"""
