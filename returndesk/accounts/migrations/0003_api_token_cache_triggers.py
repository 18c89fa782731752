# accounts.services caches the API tokens presented to a process, with their users (core.config);
# these triggers give the cache a new token whenever a token or a user changes, whatever writes
# it, except the columns written as a matter of course that the cache does not decide on: a
# token's last use (once a minute per token) and a user's last sign-in.

from django.db import migrations

from returndesk.core.config import config_trigger_operations

TOKEN_COLUMNS = (
    "id", "created_at", "updated_at", "name", "user_id", "role", "prefix", "key_hash", "created_by_id",
    "expires_at", "revoked_at", "revoked_by_id",
)  # fmt: skip
USER_COLUMNS = (
    "id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
    "is_active", "date_joined", "role", "team_id", "customer_id", "phone", "preferred_language",
)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_versions"),
        ("accounts", "0002_api_token"),
    ]

    operations = [
        config_trigger_operations("accounts_apitoken", "accounts.api_tokens", update_of=TOKEN_COLUMNS),
        config_trigger_operations("accounts_user", "accounts.api_tokens", update_of=USER_COLUMNS),
    ]
