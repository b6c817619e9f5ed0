"""The branch roster: members, their Party category and committee posts; CSV import and export."""
