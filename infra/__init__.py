"""Local stack and tooling behind the `arbvault` command; never deployed, never imported by shared/ or functions/."""
