"""Errors of the knowledge service.

KnowledgeError                  base (code, message); HTTP status at the edge
├── ArticleNotFound             no such article (404)
├── SlugTaken                   slug already used, in any language (409)
├── EditConflict                save based on an old revision (409, carries newer)
├── IllegalTransition           workflow move not in the transition table (409)
├── SelfApproval                a reviewer tried to approve their own change (403)
├── NotAllowed                  role does not allow the action (403)
├── ArticleTooLarge             body over the size limit (413)
├── InvalidArticle              metadata invalid (422, names the field)
├── ImportFailed                a content folder did not import; lists path: reason
└── RevisionNotFound            no such revision of the article (404)
"""

from __future__ import annotations

from typing import Any

from frontdoor.exceptions import FrontdoorError


class KnowledgeError(FrontdoorError):
    code = "knowledge_error"
    status_code = 400


class ArticleNotFound(KnowledgeError):
    code = "article_not_found"
    status_code = 404

    def __init__(self, slug_or_id: object) -> None:
        super().__init__(f"No article {slug_or_id!s}.")


class RevisionNotFound(KnowledgeError):
    code = "revision_not_found"
    status_code = 404

    def __init__(self, number: int) -> None:
        super().__init__(f"No revision {number} of this article.")


class SlugTaken(KnowledgeError):
    code = "slug_taken"
    status_code = 409

    def __init__(self, slug: str, language: str) -> None:
        super().__init__(
            f"The slug {slug!r} is already used (by a {language} article); "
            "slugs are unique across languages."
        )


class EditConflict(KnowledgeError):
    """Someone saved a newer revision since the editor loaded theirs."""

    code = "edit_conflict"
    status_code = 409

    def __init__(self, *, base_version: int, current: dict[str, Any]) -> None:
        super().__init__(
            f"This article changed since you opened it (you edited revision {base_version}, "
            f"the newest is {current.get('number')}). Your changes were not saved."
        )
        self.base_version = base_version
        self.current = current


class IllegalTransition(KnowledgeError):
    code = "illegal_transition"
    status_code = 409

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"An article cannot move from {current} to {target}.")
        self.current = current
        self.target = target


class SelfApproval(KnowledgeError):
    code = "self_approval"
    status_code = 403

    def __init__(self) -> None:
        super().__init__("You cannot approve a change you made; ask another reviewer.")


class NotAllowed(KnowledgeError):
    code = "not_allowed"
    status_code = 403


class ArticleTooLarge(KnowledgeError):
    code = "article_too_large"
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"The article is larger than the {limit:,}-byte limit.")
        self.limit = limit


class InvalidArticle(KnowledgeError):
    code = "invalid_article"
    status_code = 422

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ImportFailed(KnowledgeError):
    code = "import_failed"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        lines = [f"{path}: {reason}" for path, reason in problems]
        super().__init__(
            f"{len(problems)} file(s) could not be imported; nothing was imported.\n"
            + "\n".join(lines)
        )
        self.problems = problems
