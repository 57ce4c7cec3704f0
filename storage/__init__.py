"""Storage: models, sessions, migrations and the services that use them."""

from storage import guards as _guards  # noqa: F401  (installs the append-only guard)
