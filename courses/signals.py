"""Signals courses sends for the apps above it (reports connects the receivers in its AppConfig)."""

from django.dispatch import Signal

# A required course was assigned. Sent inside the transaction that saved it, with `requirement`
# and `user_ids`: the logins of the active cadres it binds, each to be told once.
requirement_assigned = Signal()
