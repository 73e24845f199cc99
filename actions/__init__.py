"""Rasa custom actions and the back-office adapters they call."""
