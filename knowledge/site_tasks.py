"""Tasks the online assistant can start, and the "Start now" button that starts one.

Which page carries which task is content, not code: an editor adds the tag
``start:<task>`` (``start:bin-day``) in the article's Tags field, as they add
``top-task``. What each task is lives here, because it is what the bot can do:

- ``payload``: the message the widget sends to the bot (Rasa's ``/intent``
  syntax, so the bot starts that journey as if the resident had asked; no
  retraining). ``tests/unit/knowledge/test_site_tasks.py`` checks every
  intent is in ``bot/domain.yml``.
- ``echo``: what the resident sees as their own message in the chat, in
  plain words, never the payload.
- ``fallback``: where the button goes without JavaScript (or before the chat
  has loaded): the contact page, whose phone numbers and hours do the task.
"""

from __future__ import annotations

from dataclasses import dataclass

TAG_PREFIX = "start:"


@dataclass(frozen=True)
class Task:
    key: str
    payload: str
    echo: dict[str, str]


# The pages residents reach without JavaScript: how to contact the council.
FALLBACK = {"en": "/articles/contact-us", "cy": "/articles/cysylltu-a-ni"}

TASKS: dict[str, Task] = {
    task.key: task
    for task in (
        Task("bin-day", "/ask_bin_day",
             {"en": "Find my bin collection day", "cy": "Dod o hyd i fy niwrnod casglu biniau"}),
        Task("missed-bin", "/report_missed_bin",
             {"en": "Report a missed bin", "cy": "Rhoi gwybod am fin heb ei gasglu"}),
        Task("bulky-waste", "/book_bulky_waste",
             {"en": "Book a bulky waste collection", "cy": "Trefnu casgliad gwastraff swmpus"}),
        Task("council-tax-balance", "/ask_council_tax_balance",
             {"en": "Check my council tax balance", "cy": "Gwirio balans fy nhreth gyngor"}),
        Task("rent-balance", "/ask_rent_balance",
             {"en": "Check my rent balance", "cy": "Gwirio balans fy rhent"}),
        Task("track-request", "/ask_case_status",
             {"en": "Check the progress of my request", "cy": "Gwirio hynt fy nghais"}),
        Task("planning-application", "/ask_planning_status",
             {"en": "Check a planning application", "cy": "Gwirio cais cynllunio"}),
    )
}  # fmt: skip


@dataclass(frozen=True)
class StartButton:
    """What article.html needs to draw the button."""

    payload: str
    echo: str
    fallback: str


def start_button(tags: list[str], language: str) -> StartButton | None:
    """The first ``start:<task>`` tag naming a known task, or None (an unknown
    task name shows no button rather than one that does nothing)."""
    lang = "cy" if language == "cy" else "en"
    for tag in tags:
        if not tag.startswith(TAG_PREFIX):
            continue
        task = TASKS.get(tag[len(TAG_PREFIX) :].strip())
        if task is not None:
            return StartButton(task.payload, task.echo[lang], FALLBACK[lang])
    return None
