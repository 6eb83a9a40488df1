"""The rule language: AppConfig's prefix s-expressions parsed, type-coerced and compiled once.

A pure leaf: it imports nothing from the rest of the package but `errors`.
"""
