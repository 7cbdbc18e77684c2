"""Local HTTPS stand-in for Azure Resource Manager, Entra ID and cloud metadata."""

__version__ = "0.1.0"
