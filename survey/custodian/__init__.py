"""Pages a round's custodians reach from the secretary's and the committee's side alike.

The part of the opening code shown once at opening, the opening sheet, and giving one's own part
to unseal, in one's own login.
"""
