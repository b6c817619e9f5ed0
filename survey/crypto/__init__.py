"""Pure crypto core of the survey service: no Flask, no database (DESIGN.md §3, §4, §6).

- :mod:`survey.crypto.blindrsa`: RFC 9474 blind-signature tokens (also re-exports the token layout
  of :mod:`survey.crypto.tokens` and the key wrapping of :mod:`survey.crypto.keywrap`);
- :mod:`survey.crypto.seal`: RFC 9180 HPKE sealed answers, padding, round fingerprint;
- :mod:`survey.crypto.opening`: the two-part opening code guarding the sealing key;
- :mod:`survey.crypto.invitation_codes`: invitation codes at rest (keyed hash, encryption);
- :mod:`survey.crypto.errors`: the domain errors all of them raise.

See ``docs/crypto.md`` for the construction and what each check defends against.
"""
