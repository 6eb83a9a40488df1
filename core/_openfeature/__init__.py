"""The OpenFeature provider's private parts: value conventions and resolution."""
