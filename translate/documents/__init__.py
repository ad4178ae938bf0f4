"""Article formats (placeholder until the html branch lands)."""
