"""write layer (see docs/architecture.md)."""
