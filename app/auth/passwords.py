"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.errors import ValidationError

# argon2-cffi's defaults follow RFC 9106's low-memory profile (64 MiB, t=3, p=4); raising them
# in a later version rehashes each password at its owner's next sign-in.
HASHER = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)


def check_new_password(password: str, username: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"密码至少 {MIN_LENGTH} 位（现在 {len(password)} 位）", field)
    if len(set(password)) < 3:
        raise ValidationError("密码太简单：请不要用同一两个字符重复组成", field)
    if password.strip().lower() == username.strip().lower():
        raise ValidationError("密码不能与用户名相同", field)
