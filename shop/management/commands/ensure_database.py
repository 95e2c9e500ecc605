import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# A database name needs no quoting beyond backticks when it is made of these; anything else is
# more likely a typo in DATABASE_URL than a name someone wants.
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_$-]{1,64}$")


class Command(BaseCommand):
    help = (
        "Create the MariaDB/MySQL database named in DATABASE_URL (utf8mb4) when it does not exist yet; "
        "nothing to do for SQLite, whose file `migrate` creates."
    )
    # The database may not exist yet: nothing may connect to it before this command has run.
    requires_system_checks = []

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.mysql":
            return
        name = database["NAME"]
        if not _PLAIN_NAME.match(name):
            raise CommandError(f"Refusing to create a database named {name!r}: use letters, digits, _, $ or -.")

        import MySQLdb

        server = {"host": database["HOST"] or "127.0.0.1", "user": database["USER"], "charset": "utf8mb4"}
        if database["PORT"]:
            server["port"] = int(database["PORT"])
        if database["PASSWORD"]:
            server["password"] = database["PASSWORD"]
        try:
            connection = MySQLdb.connect(**server)
        except MySQLdb.Error as error:
            raise CommandError(f"Cannot reach the database server at {server['host']}: {error}") from error
        try:
            with connection.cursor() as cursor:
                created = cursor.execute(
                    f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
        except MySQLdb.Error as error:
            raise CommandError(f"Cannot create the database {name}: {error}") from error
        finally:
            connection.close()
        self.stdout.write(f"Created the database {name} (utf8mb4)." if created else f"Database {name} exists.")
