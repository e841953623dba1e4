"""Send the webhook deliveries whose time has come (cron, every minute): first attempts a
restarted web process did not make, and retries after their back-off."""

from django.core.management.base import BaseCommand

from resolutions.api.webhooks import deliveries_due_send


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due (first attempts and retries)."

    def handle(self, *args, **options):
        sent = deliveries_due_send()
        self.stdout.write(f"{sent} webhook deliveries attempted")
