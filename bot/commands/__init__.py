"""Subcommands of ``cchc-bot``, one module per group (each has ``register``)."""

from __future__ import annotations

import argparse
from typing import TypeAlias

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
