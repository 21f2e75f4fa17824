"""check layer (see docs/architecture.md)."""
