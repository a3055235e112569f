"""Demo data for a first look: one user per role and a few workflow instances."""

from __future__ import annotations

from engine import Engine

#: demo user name -> (display name, roles); every password is ``demo``.
DEMO_USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "zhangsan": ("张三", ("drafter",)),
    "lisi": ("李四", ("dept_head",)),
    "wangwu": ("王五", ("office",)),
    "zhaoliu": ("赵六", ("leader",)),
    "sunqi": ("孙七", ("secrecy_reviewer",)),
    "zhouba": ("周八", ("publisher",)),
    "wujiu": ("吴九", ("registrar",)),
    "zhengshi": ("郑十", ("handler",)),
    "qianyi": ("钱一", ("auditor",)),
    "admin": ("管理员", ("admin",)),
}
DEMO_PASSWORD = "demo"


def seed(engine: Engine) -> list[str]:
    """Add the demo users and, on an empty database, a few instances; return what was done."""
    done = []
    for username, (display_name, user_roles) in DEMO_USERS.items():
        engine.add_user(username, user_roles, display_name, DEMO_PASSWORD)
    done.append(f"{len(DEMO_USERS)} demo users (password '{DEMO_PASSWORD}')")
    if engine.list_instances(process_id="simple_approval"):
        return done
    waiting = engine.start("simple_approval", "zhangsan")
    draft = waiting.ready_tasks[0]
    engine.complete_task(
        draft.task_id,
        "zhangsan",
        {
            "title": "关于2026年政务公开工作要点的通知（征求意见稿）",
            "body": "各区市人民政府，各部门："
            "现将2026年政务公开工作要点印发给你们，请认真贯彻落实。",
        },
    )
    engine.start("simple_approval", "zhangsan")
    done.append("2 simple approvals: one waiting for review (李四), one for drafting (张三)")
    return done
