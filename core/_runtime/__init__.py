"""The running client: poller thread, backoff, snapshot store, disk cache and change events.

Also the per-request view that asks the AppConfig Agent for multi-variant flags, and the
warnings the client gives once (`announce`).
"""
