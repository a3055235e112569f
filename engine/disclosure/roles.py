"""The groups of gongkai's people (roles); the disclosure workflows' lanes name them by id."""

from __future__ import annotations

from ..domain import Group

#: role id -> its names; see DESIGN.md section 1.
ROLES: dict[str, Group] = {
    "drafter": Group("起草人", "Drafter"),
    "dept_head": Group("处室负责人", "Department head"),
    "office": Group("办公室", "Office"),
    "leader": Group("签发领导", "Signing leader"),
    "secrecy_reviewer": Group("保密审查员", "Confidentiality reviewer"),
    "publisher": Group("公开专员", "Publisher"),
    "registrar": Group("登记员", "Registrar"),
    "handler": Group("承办人", "Handler"),
    "auditor": Group("审计员", "Auditor"),
    "admin": Group("管理员", "Administrator"),
}
#: who reads every instance: the disclosure office, auditors (read-only) and admins
READ_ALL = frozenset({"office", "auditor", "admin"})
#: the department head (处室负责人): reviews his department's drafts (处室审核)
DEPARTMENT_HEAD = "dept_head"
#: the confidentiality reviewer (保密审查员): reviews what is given out, not who asked for it
SECRECY_REVIEWER = "secrecy_reviewer"
#: who reads what the people of his department start (处室负责人)
HEADS = frozenset({DEPARTMENT_HEAD})
#: who oversees and reassigns every task
ADMINS = frozenset({"admin"})
#: the groups the document approval (and the confidentiality review it calls) gives work to:
#: only they have documents of their own (我的公文)
DOCUMENT_WORKERS = frozenset(
    {"drafter", DEPARTMENT_HEAD, "office", "leader", SECRECY_REVIEWER, "publisher"}
)
#: the groups no disclosure workflow gives a task to: they read and keep the system
TASKLESS = frozenset({"auditor", *ADMINS})
