"""The bot's tooling, run from the main environment: building the spaCy
pipeline, training the Rasa model (``model``), and ``frontdoor bot ...``
(``cli``). Rasa itself, and the files it loads, live in ``bot/`` and run in
``.venv-rasa``; the actions the bot calls are in ``actions/``."""
