"""User accounts: the first administrator, signing in, and the administrator's account list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from app import audit
from app.audit.chain import HOST
from app.auth import Actor, Permission, actor_of, require
from app.auth.passwords import check_new_password, hash_password, needs_rehash, verify_password
from app.errors import DomainError, PermissionDenied, SignInError, ValidationError
from app.models import Person, Role, SignInThrottle, Team, User, UserRole, UserTeam
from app.normalize import clean_name
from app.services.common import check_version, get_or_fail

if TYPE_CHECKING:
    from app.db import Database

FREE_FAILURES = 5            # failed sign-ins before each further try has to wait
FIRST_WAIT_SECONDS = 30      # doubled for every further failure ...
LONGEST_WAIT_SECONDS = 900   # ... up to a quarter of an hour
HOST_MEMORY = timedelta(days=1)  # a computer's failures older than this are forgotten
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


@dataclass
class UserInput:
    username: str
    display_name: str
    roles: list[Role] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    person_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    roles: str
    teams: str
    active: bool
    last_login_at: datetime | None
    version: int


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt; failures are committed too (count and audit)."""

    actor: Actor | None
    message: str = ""
    must_change_password: bool = False


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, user.role_set, user.team_ids)


# --- the first administrator -------------------------------------------------------------

def create_first_admin(session: Session, username: str, display_name: str, password: str
                       ) -> User:
    """Only while the database has no account at all (first start, or a new server database)."""
    if has_users(session):
        raise PermissionDenied("已经有管理员账户了：请用它登录，再在“账户”中添加其他账户。")
    # Recorded like any new row (one "create" entry, by 系统: nobody is signed in yet).
    return _new_user(session, UserInput(username, display_name, [Role.ADMIN]), password)


# --- signing in --------------------------------------------------------------------------

def sign_in(session: Session, username: str, password: str, now: datetime | None = None,
            host: str | None = None) -> SignIn:
    """Check a password. Never raises for a wrong password: the failure must be committed.

    Throttled per account and per computer (``host``, this one by default). Counters change
    by single SQL statements, never through the versioned user row, so the same account
    signing in on two PCs at once never conflicts and every failure is counted and recorded.
    An account that must wait answers exactly as an unknown name does: user names stay secret.
    """
    now = now or datetime.now()
    host = (host or HOST)[:80]
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    who = user.username if user else "（未知用户名）"
    uid = user.id if user else None
    host_failures, host_wait = _host_state(session, host, now)
    if host_wait:
        audit.record(session, "login_failed", "app_user", uid, "登录被推迟（这台电脑连续输错）",
                     user_id=uid, username=who)
        return SignIn(None, f"这台电脑已连续输错 {host_failures} 次密码，请 {host_wait} 秒后再试。")
    # Always a real check, with the same cost: whether the name exists takes no longer.
    right = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.active:
        # A name that is no account is not written down: it may be a password typed into the
        # wrong field, and passwords are never stored in clear.
        audit.record(session, "login_failed", "app_user", uid,
                     f"登录失败：{who}" + ("（账户已停用）" if user else ""),
                     user_id=uid, username=who)
        if user is not None and right:  # named only to someone who knows its password
            return SignIn(None, "这个账户已停用，请找管理员。")
        return SignIn(None, _wrong(session, host, now))
    if seconds_to_wait(user, now):
        audit.record(session, "login_failed", "app_user", user.id, "登录被推迟（连续输错）",
                     user_id=user.id, username=user.username)
        return SignIn(None, _wrong(session, host, now))
    if not right:
        failures = session.execute(
            update(User).where(User.id == user.id)
            .values(failed_attempts=User.failed_attempts + 1, last_failed_at=now)
            .returning(User.failed_attempts),
            execution_options={"synchronize_session": False}).scalar_one()
        session.expire(user, ["failed_attempts", "last_failed_at"])
        audit.record(session, "login_failed", "app_user", user.id,
                     f"密码错误（连续第 {failures} 次）", user_id=user.id, username=user.username)
        return SignIn(None, _wrong(session, host, now))
    values: dict = dict(failed_attempts=0, last_failed_at=None, last_login_at=now)
    if needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    session.execute(update(User).where(User.id == user.id).values(**values),
                    execution_options={"synchronize_session": False})
    session.expire(user, list(values))
    session.execute(update(SignInThrottle).where(SignInThrottle.host == host)
                    .values(failed_attempts=0, last_failed_at=None),
                    execution_options={"synchronize_session": False})
    audit.record(session, "login", "app_user", user.id, f"登录：{user.display_name}",
                 user_id=user.id, username=user.username)
    return SignIn(actor_for(user), must_change_password=user.must_change_password)


def _wrong(session: Session, host: str, now: datetime) -> str:
    """Count a failure against this computer; the answer depends on nothing else."""
    failures = _count_host_failure(session, host, now)
    left = FREE_FAILURES - failures
    if left > 0:
        return f"用户名或密码不对。还可再试 {left} 次，之后每次要等待。"
    return f"用户名或密码不对。请 {_wait(failures, now, now)} 秒后再试。"


def _host_state(session: Session, host: str, now: datetime) -> tuple[int, int]:
    row = session.execute(select(SignInThrottle.failed_attempts, SignInThrottle.last_failed_at)
                          .where(SignInThrottle.host == host)).one_or_none()
    if row is None or row.last_failed_at is None or now - row.last_failed_at > HOST_MEMORY:
        return 0, 0
    return row.failed_attempts, _wait(row.failed_attempts, row.last_failed_at, now)


def _count_host_failure(session: Session, host: str, now: datetime) -> int:
    """One more failure from ``host``, in one statement (an upsert); the new count."""
    table = SignInThrottle.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(host=host, failed_attempts=1, last_failed_at=now)
    stale = (table.c.last_failed_at.is_(None)) | (table.c.last_failed_at < now - HOST_MEMORY)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.host], set_={
        "failed_attempts": case((stale, 1), else_=table.c.failed_attempts + 1),
        "last_failed_at": now}).returning(table.c.failed_attempts)
    return int(session.execute(stmt).scalar_one())


def actor_again(session: Session, actor: Actor | None) -> Actor | None:
    """The same user in another copy of the data (a restored backup): their roles there, or
    None when the account is not there (newer than the backup) or is disabled there."""
    if actor is None or actor.system:
        return actor
    user = session.get(User, actor.user_id or 0)
    if user is None or user.username != actor.username or not user.active:
        return None
    return actor_for(user)


def seconds_to_wait(user: User, now: datetime) -> int:
    return _wait(user.failed_attempts, user.last_failed_at, now)


def _wait(failures: int, last_failed_at: datetime | None, now: datetime) -> int:
    if failures < FREE_FAILURES or last_failed_at is None:
        return 0
    delay = min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT_SECONDS)
    left = last_failed_at + timedelta(seconds=delay) - now
    return max(0, int(left.total_seconds() + 0.999))


@cache
def _dummy_hash() -> str:
    return hash_password("zhilian-timing-equaliser")


# --- the administrator's list ------------------------------------------------------------

def list_users(session: Session) -> list[UserRow]:
    require(session, Permission.MANAGE_USERS)
    users = session.scalars(select(User).order_by(User.active.desc(), User.username))
    return [_row(u) for u in users]


def _row(u: User) -> UserRow:
    roles = "、".join(r.label for r in Role if r in u.role_set)
    teams = "、".join(sorted(t.team.name for t in u.teams))
    return UserRow(u.id, u.username, u.display_name, roles, teams, u.active, u.last_login_at,
                   u.version)


def user_input(session: Session, user_id: int) -> tuple[UserInput, int]:
    require(session, Permission.MANAGE_USERS)
    u = get_or_fail(session, User, user_id, "账户")
    return UserInput(u.username, u.display_name, sorted(u.role_set), sorted(u.team_ids),
                     u.person_id, u.active), u.version


def create_user(session: Session, data: UserInput, password: str) -> User:
    require(session, Permission.MANAGE_USERS)
    # The administrator knows the password; its owner should choose one.
    return _new_user(session, data, password, must_change_password=True)


def update_user(session: Session, user_id: int, data: UserInput,
                expected_version: int | None = None) -> User:
    actor = require(session, Permission.MANAGE_USERS)
    user = get_or_fail(session, User, user_id, "账户")
    check_version(user, expected_version, "账户")
    if user.username != _username(data.username):
        raise ValidationError("用户名创建后不能修改（操作记录按用户名记载）", "username")
    _check_fields(session, data)
    was_admin = Role.ADMIN in user.role_set and user.active
    if was_admin and (Role.ADMIN not in data.roles or not data.active):
        if user.id == actor.user_id:
            raise ValidationError("不能取消自己的管理员角色或停用自己的账户", "roles")
        _keep_one_admin(session, user)
    _apply(session, user, data)
    session.flush()
    return user


def reset_password(session: Session, user_id: int, new_password: str) -> User:
    """The administrator sets a temporary password; its owner changes it at next sign-in."""
    require(session, Permission.MANAGE_USERS)
    user = get_or_fail(session, User, user_id, "账户")
    check_new_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.must_change_password = True
    user.failed_attempts, user.last_failed_at = 0, None
    audit.record(session, "password", "app_user", user.id, f"管理员重设密码：{user.username}")
    return user


def change_own_password(session: Session, old_password: str, new_password: str) -> User:
    actor = actor_of(session)
    user = get_or_fail(session, User, actor.user_id or 0, "账户")
    if not verify_password(user.password_hash, old_password):
        raise ValidationError("原密码不对", "old_password")
    if old_password == new_password:
        raise ValidationError("新密码不能与原密码相同", "password")
    check_new_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    audit.record(session, "password", "app_user", user.id, f"修改自己的密码：{user.username}")
    return user


def team_choices(session: Session) -> list[tuple[int, str]]:
    require(session, Permission.MANAGE_USERS)
    return [(t.id, t.name) for t in session.scalars(select(Team).order_by(Team.name))]


# --- shared ------------------------------------------------------------------------------

def _new_user(session: Session, data: UserInput, password: str,
              must_change_password: bool = False) -> User:
    _check_fields(session, data, new=True)
    check_new_password(password, data.username)
    user = User(username=_username(data.username), password_hash=hash_password(password),
                must_change_password=must_change_password)
    _apply(session, user, data)
    session.add(user)
    session.flush()
    return user


def _username(text: str) -> str:
    return text.strip().lower()


def _check_fields(session: Session, data: UserInput, new: bool = False) -> None:
    problems: dict[str, str] = {}
    name = _username(data.username)
    if new:
        if not name:
            problems["username"] = "请填写用户名"
        elif len(name) > 40 or not set(name) <= USERNAME_CHARS:
            problems["username"] = "用户名只用英文字母、数字、下划线、点或短横（最多 40 个），例如 zhangsan"
        elif session.scalar(select(User.id).where(User.username == name)) is not None:
            problems["username"] = f"用户名“{name}”已被使用"
    display = clean_name(data.display_name)
    if not display:
        problems["display_name"] = "请填写姓名"
    elif len(display) > 40:
        problems["display_name"] = "姓名最多 40 个字"
    if not data.roles:
        problems["roles"] = "请至少选择一个角色"
    scoped = [r for r in data.roles if Role(r).team_scoped]
    if scoped and not data.team_ids:
        problems["team_ids"] = f"{'、'.join(Role(r).label for r in scoped)}要指定负责的驻点团队"
    for team_id in data.team_ids:
        if session.get(Team, team_id) is None:
            problems["team_ids"] = f"找不到驻点团队（编号 {team_id}）"
    if data.person_id is not None and session.get(Person, data.person_id) is None:
        problems["person_id"] = f"找不到人员（编号 {data.person_id}）"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)


def _apply(session: Session, user: User, data: UserInput) -> None:
    user.display_name = clean_name(data.display_name)
    user.person_id = data.person_id
    user.active = data.active
    wanted = {Role(r) for r in data.roles}
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.role_set)]
    teams = set(data.team_ids)
    user.teams = [t for t in user.teams if t.team_id in teams] + [
        UserTeam(team_id=t) for t in sorted(teams - user.team_ids)]


def _keep_one_admin(session: Session, leaving: User) -> None:
    others = session.scalar(select(func.count()).select_from(User).join(UserRole).where(
        UserRole.role == Role.ADMIN, User.active.is_(True), User.id != leaving.id))
    if not others:
        raise DomainError("这是唯一的管理员账户，不能取消其管理员角色或停用。请先让另一个账户成为管理员。")


def sign_in_to(db: "Database", username: str, password: str) -> SignIn:
    """Sign in and make ``db``'s sessions act for the user; raises SignInError when refused."""
    with db.session() as session:
        result = sign_in(session, username, password)
    if result.actor is None:
        raise SignInError(result.message)
    db.act_as(result.actor)
    return result
