"""Reads of users and teams, for interfaces that name them (the API names people by username and
teams by name, as they are known in the company)."""

from __future__ import annotations

from .models import Team, User


def user_for_username(username: str) -> User | None:
    """The user with this username, or None; whether they may be given work is the services' rule."""
    return User.objects.filter(username=(username or "").strip()).first()


def team_for_name(name: str) -> Team | None:
    return Team.objects.filter(name=(name or "").strip()).first()
