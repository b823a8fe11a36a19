"""Scenario format: typed models, the safe YAML loader and the expression checker."""
