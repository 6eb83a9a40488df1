"""The running client: poller thread, backoff, snapshot store, disk cache and change events."""
