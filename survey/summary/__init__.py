"""The committee's summary of an unsealed round: themes, edits, other channels, the read model.

Services take a session, flush and never commit; they raise domain errors.
"""
