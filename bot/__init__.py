"""Drama Fanbot: a self-hosted Discord bot for K-drama fan communities."""

__version__ = "0.1.0"
