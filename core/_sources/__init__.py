"""Sources fetch bytes from one place and know nothing of flags."""
