"""Remember, on the user object, what a request computes about its user more than once.

Who a user is — his person, the bodies he sits in or chairs — is asked by several parts of
one page (the desk's panels, the directive visibility rule, the header). The answer is kept
on the user instance, as Django keeps a user's permissions (``_perm_cache``): ``request.user``
lives for one request, so the memo does too, and a user object fetched anew starts empty.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
_ATTRIBUTE = "_egov_memo"


def per_user(user, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per user object and ``key``; anonymous users are not memoised."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return compute()
    memo = user.__dict__.setdefault(_ATTRIBUTE, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget(user) -> None:
    """Drop what was remembered (after a change to the user's seats or rights)."""
    user.__dict__.pop(_ATTRIBUTE, None)
