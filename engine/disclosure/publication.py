"""What the publisher sees before publishing: the text exactly as it goes out, and its review.

The publish step puts out the de-identified text of the newest review record
that cleared exactly the document's content (``review.clearance``); the
preview reads the same record, so the publisher sees nothing else than what
the public will, and why it may go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..access import check_may_work, roles_of, task_and_instance
from ..errors import NotFoundError, NotReviewedError
from .catalogue import review_record_view
from .review import TITLE_BREAK, clearance, document_content
from .store import DisclosureStore
from .views import ReviewRecordView

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine


@dataclass(frozen=True)
class PublicationPreview:
    """The de-identified title and text a publication puts out, its files and its review record.

    ``review`` is None when no review cleared the current content: publishing
    would be refused.
    """

    document_id: int
    title: str | None
    text: str | None
    attachments: tuple[dict[str, Any], ...]
    review: ReviewRecordView | None


class PublicationDesk:
    """The publisher's view of a document about to be published."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def preview(self, task_id: str, reader: str) -> PublicationPreview:
        """Return what completing the publish task ``task_id`` puts out, to who may do it."""
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            item, instance = task_and_instance(repo, task_id)
            check_may_work(repo, reader, held, item)
            store = DisclosureStore(repo.connection)
            document_id = store.document_of(instance.id)
            if document_id is None:
                raise NotFoundError("instance.not_found", instance=instance.id)
            text, attachments = document_content(store, document_id)
            try:
                record = clearance(
                    store, "document", str(document_id), text, [a["sha256"] for a in attachments]
                )
            except NotReviewedError:
                return PublicationPreview(document_id, None, None, tuple(attachments), None)
            names = repo.display_names_of([record.reviewer])
        title, body = str(record.disclosed_text).split(TITLE_BREAK, 1)
        return PublicationPreview(
            document_id, title, body, tuple(attachments), review_record_view(record, names)
        )
