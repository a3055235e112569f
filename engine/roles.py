"""The roles of gongkai users; BPMN lanes name them by id."""

from __future__ import annotations

#: role id -> (Chinese name, English name); see DESIGN.md section 1.
ROLES: dict[str, tuple[str, str]] = {
    "drafter": ("起草人", "Drafter"),
    "dept_head": ("处室负责人", "Department head"),
    "office": ("办公室", "Office"),
    "leader": ("签发领导", "Signing leader"),
    "secrecy_reviewer": ("保密审查员", "Confidentiality reviewer"),
    "publisher": ("公开专员", "Publisher"),
    "registrar": ("登记员", "Registrar"),
    "handler": ("承办人", "Handler"),
    "auditor": ("审计员", "Auditor"),
    "admin": ("管理员", "Administrator"),
}


def is_known_role(role: str) -> bool:
    """Tell whether ``role`` is one of the roles gongkai knows."""
    return role in ROLES
