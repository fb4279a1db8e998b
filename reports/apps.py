from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Service audit reports"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from reports import access, db

        user_logged_in.connect(access.remember_on_sign_in, dispatch_uid="reports.remember_on_sign_in")
        # SQLite has no time-zone arithmetic: each new connection gets the calendar-day function in Python.
        connection_created.connect(db.register_sqlite_functions, dispatch_uid="reports.sqlite_functions")
