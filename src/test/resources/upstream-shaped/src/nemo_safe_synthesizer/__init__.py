"""Stand-in package of the fixture repository."""
