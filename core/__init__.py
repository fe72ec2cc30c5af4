"""What several apps share, written once (see docs/architecture.md)."""
