"""Sources fetch bytes from one place and know nothing of flags.

Besides the four sources: the `Source` contract, turning bytes into a document, and keeping
session tokens out of every message.
"""
