"""Subcommands of the `arbvault` command, one module each."""
