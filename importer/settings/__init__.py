"""settings layer (see docs/architecture.md)."""
