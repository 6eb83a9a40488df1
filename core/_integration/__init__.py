"""What the framework adapters share, exposed publicly through `appconfig_core.integration`."""
