"""Every bot text, button and prompt in the resident's language.

Actions write English from :mod:`actions.messages`; when the conversation is
Welsh, :class:`LocalisedDispatcher` (wrapped around the dispatcher by the
action base classes) puts each text and button title into Welsh from
:mod:`actions.messages_cy`, which holds the Welsh for a message under the same
name as its English.

Texts are usually filled-in templates ("Your reference is {reference}."), so
each English template with a Welsh twin becomes a pattern; a text (or each of
its lines, for messages built line by line) that matches is refilled into the
Welsh template, and the values it carried are put into Welsh too when they are
themselves messages (a task's name inside "Now, back to {task}.") or the council's
proper names (its name and the bot's, from the council profile: ``names``). A text with
no Welsh twin stays English rather than being half-translated; the test suite
lists the names every action uses and checks each has a twin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions import calendar_cy, messages, messages_cy

_FIELD = re.compile(r"\{(\w+)\}")
_NO_NAMES: Mapping[str, str] = {}


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern[str]
    welsh: str


def _pairs(english: Any, welsh: Any) -> Iterator[tuple[str, str]]:
    """(English, Welsh) strings from two values of the same shape."""
    if isinstance(english, str) and isinstance(welsh, str):
        yield english, welsh
    elif isinstance(english, dict) and isinstance(welsh, dict):
        for key, value in english.items():
            if key in welsh:
                yield from _pairs(value, welsh[key])
    elif isinstance(english, list | tuple) and isinstance(welsh, list | tuple):
        for one, other in zip(english, welsh, strict=False):
            yield from _pairs(one, other)


def _compile(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, str], list[_Template]]:
    exact: dict[str, str] = {}
    templates: list[_Template] = []
    for name in dir(messages_cy):
        if not name.isupper() or not hasattr(messages, name):
            continue
        for english, welsh in _pairs(getattr(messages, name), getattr(messages_cy, name)):
            if _FIELD.search(english):
                templates.append(_Template(_compile(english), welsh))
            else:
                exact[english] = welsh
    for english, welsh in messages_cy.TITLES.items():
        exact.setdefault(english, welsh)
    # Longer templates first: the most specific wins.
    templates.sort(key=lambda t: -len(t.pattern.pattern))
    return exact, templates


def _value(text: str, names: Mapping[str, str]) -> str:
    """A value filled into a template: Welsh when it is itself a message or a proper
    name with a Welsh form (the council's); dates, days, months and opening hours in
    Welsh ("Tuesday 24 November" -> "dydd Mawrth 24 Tachwedd", ``actions.calendar_cy``)."""
    if text in names:
        return names[text]
    exact, _ = _catalogue()
    if text in exact:
        return exact[text]
    return calendar_cy.in_welsh(text)


def _one(text: str, names: Mapping[str, str]) -> str | None:
    exact, templates = _catalogue()
    if text in exact:
        return exact[text]
    for template in templates:
        match = template.pattern.fullmatch(text)
        if match:
            values = {k: _value(v, names) for k, v in match.groupdict().items()}
            return template.welsh.format(**values)
    return None


def to_welsh(text: str, names: Mapping[str, str] = _NO_NAMES) -> str:
    """``text`` in Welsh, whole or line by line; English where there is no twin.
    ``names``: proper names (English -> Welsh) that the templates carry."""
    whole = _one(text, names) or calendar_cy.calendar_only(text)
    if whole is not None:
        return whole
    lines = text.split("\n")
    if len(lines) == 1:
        return _sentences(text, names)
    return "\n".join(_one(line, names) or _sentences(line, names) for line in lines)


def _sentences(text: str, names: Mapping[str, str]) -> str:
    """Messages joined on one line ("{advice} {text}"): each part on its own."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    if len(parts) == 1:
        return text
    # Try the longest runs of sentences first, so a two-sentence message matches whole.
    out: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            found = _one(" ".join(parts[start:end]), names)
            if found is not None:
                out.append(found)
                start = end
                break
        else:
            out.append(parts[start])
            start += 1
    return " ".join(out)


def localise(text: str | None, language: str, names: Mapping[str, str] = _NO_NAMES) -> str | None:
    if not text or language != "cy":
        return text
    return to_welsh(text, names)


def localise_buttons(
    buttons: list[dict[str, Any]] | None, language: str, names: Mapping[str, str] = _NO_NAMES
) -> list[dict[str, Any]] | None:
    if not buttons or language != "cy":
        return buttons
    return [
        {**b, "title": to_welsh(b["title"], names)} if isinstance(b.get("title"), str) else b
        for b in buttons
    ]


class LocalisedDispatcher(CollectingDispatcher):
    """A dispatcher that says everything in ``language``; collects into ``inner``."""

    def __init__(
        self, inner: CollectingDispatcher, language: str, names: Mapping[str, str] = _NO_NAMES
    ) -> None:
        super().__init__()
        self.messages = inner.messages  # one list: what we add, the server sends
        self.language = language
        self.names = names  # the council's proper names in Welsh (CouncilProfile.welsh_names)

    def utter_message(
        self,
        text: str | None = None,
        image: str | None = None,
        json_message: dict[str, Any] | None = None,
        response: str | None = None,
        attachment: str | None = None,
        buttons: list[dict[str, Any]] | None = None,
        elements: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        if json_message and json_message.get("localised"):
            json_message = {k: v for k, v in json_message.items() if k != "localised"}
        elif json_message and self.language == "cy":
            json_message = dict(json_message)
            if isinstance(json_message.get("text"), str):
                json_message["text"] = localise(json_message["text"], self.language, self.names)
            if isinstance(json_message.get("buttons"), list):
                json_message["buttons"] = localise_buttons(
                    json_message["buttons"], "cy", self.names
                )
        super().utter_message(
            text=localise(text, self.language, self.names),
            image=image,
            json_message=json_message,
            response=response,
            attachment=attachment,
            buttons=localise_buttons(buttons, self.language, self.names),
            elements=elements,
            **kwargs,
        )
