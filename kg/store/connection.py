"""Connect to Neo4j and turn the driver's failures into one-line ``StoreError``s.

Why: an analyst running ``kg load`` every day must see "cannot reach Neo4j"
or "refused the credentials" and a non-zero exit, not a driver traceback;
and credentials come only from the environment (``NEO4J_USER`` /
``NEO4J_PASSWORD``), never from the command line where ``ps`` and shell
history would show them.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import neo4j
from neo4j import exceptions as nx

from kg.errors import StoreError

__all__ = ["DEFAULT_URI", "DEFAULT_USER", "Settings", "resolve_settings", "open_driver", "store_errors"]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"


@dataclass(frozen=True)
class Settings:
    """Where and as whom to connect.

    Attributes:
        uri (str): Bolt or neo4j URI.
        user (str): user name.
        password (str): password (never printed).
        database (str | None): database name; None means the server's default.
    """

    uri: str
    user: str
    password: str
    database: str | None = None

    def __repr__(self) -> str:  # keep the password out of logs and tracebacks
        return f"Settings(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"


def resolve_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Settings:
    """Fill what the caller left out from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``.

    Args:
        uri (str | None): defaults to ``NEO4J_URI``, then ``bolt://127.0.0.1:7687``.
        user (str | None): defaults to ``NEO4J_USER``, then ``neo4j``.
        password (str | None): defaults to ``NEO4J_PASSWORD``; required.
        database (str | None): defaults to ``NEO4J_DATABASE``, then the server's default.

    Raises:
        StoreError: no password anywhere.
    """
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
    if not password:
        raise StoreError("NEO4J_PASSWORD is not set: export the Neo4j password (it is never taken on the command line)")
    return Settings(
        uri=uri or os.environ.get("NEO4J_URI") or DEFAULT_URI,
        user=user or os.environ.get("NEO4J_USER") or DEFAULT_USER,
        password=password,
        database=database or os.environ.get("NEO4J_DATABASE") or None,
    )


def _one_line(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return re.sub(r"\s+", " ", str(message)).strip()


@contextlib.contextmanager
def store_errors(settings: Settings, doing: str = "talking to Neo4j") -> Iterator[None]:
    """Re-raise the driver's exceptions as ``StoreError`` with a one-line message.

    Args:
        settings (Settings): for the URI and user named in the message.
        doing (str): what was going on, for errors other than unreachable/auth.
    """
    try:
        yield
    except nx.AuthError as exc:
        raise StoreError(
            f"Neo4j refused the credentials for user {settings.user!r} at {settings.uri} "
            "(check NEO4J_USER / NEO4J_PASSWORD)"
        ) from exc
    except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
        raise StoreError(f"cannot reach Neo4j at {settings.uri}: {_one_line(exc)}") from exc
    except nx.ConfigurationError as exc:
        raise StoreError(f"bad Neo4j configuration for {settings.uri}: {_one_line(exc)}") from exc
    except nx.Neo4jError as exc:
        code = f" [{exc.code}]" if getattr(exc, "code", None) else ""
        raise StoreError(f"Neo4j failed while {doing}{code}: {_one_line(exc)}") from exc
    except nx.DriverError as exc:
        raise StoreError(f"Neo4j driver error while {doing} at {settings.uri}: {_one_line(exc)}") from exc


@contextlib.contextmanager
def open_driver(settings: Settings) -> Iterator[neo4j.Driver]:
    """A connected driver (connectivity and credentials checked up front), closed on exit.

    Raises:
        StoreError: bad URI, server down, or credentials refused.
    """
    with store_errors(settings, "connecting"):
        try:
            driver = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                notifications_min_severity="OFF",
                connection_timeout=10.0,
            )
        except ValueError as exc:
            raise StoreError(f"invalid Neo4j URI {settings.uri!r}: {_one_line(exc)}") from exc
    try:
        with store_errors(settings, "connecting"):
            driver.verify_connectivity()
        yield driver
    finally:
        driver.close()
