"""`manage.py create_api_token --user USERNAME --name NAME [--expires-days N]`: issue an API token
acting as the user, with the user's role, and print it once. Only its hash is stored."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.accounts.services import api_token_create
from returndesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username the token acts as")
        parser.add_argument("--name", required=True, help="what uses the token, e.g. 'tmall sync'")
        parser.add_argument("--expires-days", type=int, default=None, help="days until it expires")

    def handle(self, *args, user, name, expires_days, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user {user!r}")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days must be positive")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            token, raw = api_token_create(actor=None, user=account, name=name, expires_at=expires_at)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.en}") from exc
        self.stderr.write(
            f"Token {token.name!r} for {account.username} (role {token.role}). "
            "It is shown only now; store it in your secret store:"
        )
        self.stdout.write(raw)
