"""The editorial workflow: explicit states and the only moves allowed between them.

    draft ──submit──▶ in_review ──approve──▶ published
      ▲  ◀─send back──┘   │                     │
      │◀───── edit (a save always makes a draft)─┤
      └──── reopen ◀── archived ◀──── archive ───┘

A published article stays on the website while a newer draft of it is being
written and reviewed: the website shows the *live revision*, the workflow
state describes the newest revision.
"""

from __future__ import annotations

from enum import StrEnum

from knowledge.exceptions import IllegalTransition


class ArticleState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Action(StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    ARCHIVE = "archive"
    REOPEN = "reopen"


S = ArticleState

# (current state, action) -> next state. Anything missing is illegal.
TRANSITIONS: dict[tuple[ArticleState, Action], ArticleState] = {
    (S.DRAFT, Action.SAVE): S.DRAFT,
    (S.IN_REVIEW, Action.SAVE): S.DRAFT,
    (S.PUBLISHED, Action.SAVE): S.DRAFT,
    (S.ARCHIVED, Action.SAVE): S.DRAFT,
    (S.DRAFT, Action.SUBMIT): S.IN_REVIEW,
    (S.IN_REVIEW, Action.APPROVE): S.PUBLISHED,
    (S.IN_REVIEW, Action.SEND_BACK): S.DRAFT,
    (S.DRAFT, Action.ARCHIVE): S.ARCHIVED,
    (S.IN_REVIEW, Action.ARCHIVE): S.ARCHIVED,
    (S.PUBLISHED, Action.ARCHIVE): S.ARCHIVED,
    (S.ARCHIVED, Action.REOPEN): S.DRAFT,
}


def next_state(current: ArticleState | str, action: Action | str) -> ArticleState:
    """The state after ``action``; raises IllegalTransition when not allowed."""
    state = ArticleState(current)
    move = Action(action)
    try:
        return TRANSITIONS[(state, move)]
    except KeyError:
        target = {
            Action.SUBMIT: S.IN_REVIEW,
            Action.APPROVE: S.PUBLISHED,
            Action.SEND_BACK: S.DRAFT,
            Action.ARCHIVE: S.ARCHIVED,
            Action.REOPEN: S.DRAFT,
            Action.SAVE: S.DRAFT,
        }[move]
        raise IllegalTransition(state.value, target.value) from None


def allowed_actions(current: ArticleState | str) -> list[Action]:
    state = ArticleState(current)
    return [action for (source, action) in TRANSITIONS if source == state and action != Action.SAVE]
