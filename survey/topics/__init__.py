"""Meeting topics (议题): drafting from the summary, versions, consultations, finalising.

A consultation is a Round of kind ``consultation``: it is opened, collected, closed and unsealed
by the services in :mod:`survey.rounds` like any answer round; this package adds what differs.
"""
