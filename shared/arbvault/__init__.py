"""ArbitrageVault shared layer: settings, data access, HTTP plumbing and business rules."""

__version__ = "0.1.0"
