"""The running client: poller thread, backoff, snapshot store, disk cache, change events, and
the per-request view that asks the AppConfig Agent for multi-variant flags."""
