"""Document formats: detection and the compilers that turn a parsed document into flags.

AppConfig's retrieval and stored forms, and the Powertools schema. No I/O.
"""
