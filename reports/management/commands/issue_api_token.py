"""Issue a read-only reports API token for a user; the key is printed once and only its hash is kept."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cadres.roles import scope_for
from reports.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token that sees what the given officer (or administrator) sees."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="Which system will use it, e.g. 省干部管理系统.")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username}.")
        if scope_for(user).nothing:
            raise CommandError(f"{username} manages no part of the tree; a token for them could read nothing.")
        token, key = api_token_issue(user=user, name=name)  # audit-logged, with no acting user
        self.stdout.write(f"Token {token.prefix}… for {username}: {key}")
        self.stdout.write("Send it as 'Authorization: Bearer <key>'. It is not stored and cannot be shown again.")
