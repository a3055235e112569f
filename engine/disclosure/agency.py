"""The agency profile (机关信息) every reply letter states, kept by the admin.

A reply letter names the agency that answers, its address, and where the
applicant may appeal: the administrative-reconsideration body (行政复议机关)
within so many days, the people's court (人民法院) within so many months.
The profile is one row; until an admin saves it, the agency's name and
address come from the environment (``GONGKAI_AGENCY_NAME``,
``GONGKAI_AGENCY_ADDRESS``), and a profile without them is incomplete.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import astuple, fields
from typing import TYPE_CHECKING, Any

from marshmallow import fields as schema_fields
from marshmallow import validate
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..access import roles_of
from ..errors import PermissionDeniedError, Problem
from ..forms import REQUIRED, FormSchema, IdentifierString, non_blank, optional_text
from ..store.models import table_of
from .letter import AgencyProfile
from .models import AgencyRecord

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: the environment variables that name the agency before an admin saves its profile
NAME_VARIABLE = "GONGKAI_AGENCY_NAME"
ADDRESS_VARIABLE = "GONGKAI_AGENCY_ADDRESS"

_AGENCY = table_of(AgencyRecord)
#: the one row's id
_ROW = 1
_PROFILE_FIELDS = tuple(f.name for f in fields(AgencyProfile))
_SAVED = select(*(_AGENCY.c[name] for name in _PROFILE_FIELDS)).where(_AGENCY.c.id == _ROW)


def _whole_number(
    label: str, label_en: str, low: int, high: int, default: int
) -> schema_fields.Integer:
    return schema_fields.Integer(
        load_default=default,
        strict=False,
        error_messages={**REQUIRED, "invalid": Problem("form.whole_number")},
        validate=validate.Range(low, high, error=Problem("form.range")),
        metadata={"label": label, "label_en": label_en},
    )


class AgencyForm(FormSchema):
    """The agency profile as the admin fills it in."""

    name = non_blank("机关名称", "Agency name", 200)
    address = non_blank("机关地址", "Agency address", 300)
    postcode = IdentifierString(
        load_default="",
        validate=validate.Regexp(r"^([0-9]{6})?$", error=Problem("agency.postcode")),
        metadata={"label": "邮政编码", "label_en": "Postcode"},
    )
    phone = optional_text("联系电话", "Telephone", 40)
    reconsideration_body = optional_text("行政复议机关", "Administrative reconsideration body", 200)
    court = optional_text("人民法院", "People's court", 200)
    reconsideration_days = _whole_number(
        "申请行政复议期限（日）", "Days to apply for reconsideration", 1, 365, 60
    )
    litigation_months = _whole_number(
        "提起行政诉讼期限（月）", "Months to bring a lawsuit", 1, 24, 6
    )


#: the form's name among the engine's forms (it is not a task form)
FORM = "agency_profile"
_FORMS: dict[str, FormSchema] = {FORM: AgencyForm()}


class AgencyDesk:
    """The agency profile: read it for letters and pages, let an admin keep it."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def get(self) -> AgencyProfile:
        """Return the saved profile, or one named from the environment before any is saved."""
        with self._engine.store.read() as repo:
            row = repo.connection.execute(_SAVED).first()
        if row is not None:
            return AgencyProfile(**row._asdict())
        return AgencyProfile(
            name=os.environ.get(NAME_VARIABLE, "").strip(),
            address=os.environ.get(ADDRESS_VARIABLE, "").strip(),
        )

    @staticmethod
    def is_complete(profile: AgencyProfile) -> bool:
        """Tell whether a profile names the agency and its address, as every letter must."""
        return bool(profile.name.strip() and profile.address.strip())

    def save(self, admin: str, values: Mapping[str, Any]) -> AgencyProfile:
        """Validate and save the profile (admins only); return it as saved.

        Invalid values raise ``FormValidationError`` naming each field, and
        nothing is saved.
        """
        now = self._engine.now()
        with self._engine.store.write() as repo:
            if not roles_of(repo, admin) & self._engine.domain.admin_groups:
                raise PermissionDeniedError("admin.only", user=admin)
            clean = self._engine.forms.validate(FORM, dict(values), extra=_FORMS)
            profile = AgencyProfile(**{name: clean[name] for name in _PROFILE_FIELDS})
            row = dict(zip(_PROFILE_FIELDS, astuple(profile), strict=True))
            row |= {"updated_by": admin, "updated_at": now}
            connection = repo.connection
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            connection.execute(
                dialect.insert(_AGENCY)
                .values(id=_ROW, **row)
                .on_conflict_do_update(index_elements=["id"], set_=row)
            )
        return profile
