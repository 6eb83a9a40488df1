"""Feature flags from AWS AppConfig: sources, a background poller, a snapshot store and an evaluator."""
