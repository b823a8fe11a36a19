"""Widgets the scenes are built from."""
