"""The headless, deterministic simulation. Never imports pygame."""
