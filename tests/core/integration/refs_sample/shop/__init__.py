"""A sample tree for the refs scanner: every line that reads a flag is seeded on purpose."""
