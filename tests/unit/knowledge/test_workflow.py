import pytest

from knowledge.exceptions import IllegalTransition
from knowledge.workflow import TRANSITIONS, Action, ArticleState, allowed_actions, next_state

S = ArticleState


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (S.DRAFT, Action.SUBMIT, S.IN_REVIEW),
        (S.IN_REVIEW, Action.APPROVE, S.PUBLISHED),
        (S.IN_REVIEW, Action.SEND_BACK, S.DRAFT),
        (S.PUBLISHED, Action.SAVE, S.DRAFT),
        (S.PUBLISHED, Action.ARCHIVE, S.ARCHIVED),
        (S.ARCHIVED, Action.REOPEN, S.DRAFT),
    ],
)
def test_allowed_moves(state, action, expected):
    assert next_state(state, action) is expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, Action.APPROVE),  # nothing is published without review
        (S.DRAFT, Action.SEND_BACK),
        (S.PUBLISHED, Action.SUBMIT),
        (S.PUBLISHED, Action.APPROVE),
        (S.ARCHIVED, Action.APPROVE),
        (S.ARCHIVED, Action.SUBMIT),
        (S.IN_REVIEW, Action.REOPEN),
    ],
)
def test_illegal_moves_raise(state, action):
    with pytest.raises(IllegalTransition) as caught:
        next_state(state, action)
    assert caught.value.current == state.value
    assert caught.value.status_code == 409


def test_every_state_can_be_left_and_published_is_reachable_only_by_approval():
    for state in S:
        assert any(source == state for source, _ in TRANSITIONS)
    into_published = [key for key, target in TRANSITIONS.items() if target is S.PUBLISHED]
    assert into_published == [(S.IN_REVIEW, Action.APPROVE)]


def test_allowed_actions_for_the_editor_buttons():
    assert allowed_actions(S.DRAFT) == [Action.SUBMIT, Action.ARCHIVE]
    assert set(allowed_actions(S.IN_REVIEW)) == {Action.APPROVE, Action.SEND_BACK, Action.ARCHIVE}
    assert allowed_actions("archived") == [Action.REOPEN]


def test_unknown_state_is_rejected():
    with pytest.raises(ValueError):
        next_state("deleted", Action.SUBMIT)
