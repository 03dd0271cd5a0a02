"""Path ids and raw form checks for the review pages (the texts are checked in the services).

An id outside 1..2**31-1 names nothing on either database, so it is a 404 before any query.
"""

from __future__ import annotations

from empathic.web.params import id_in_path

ReviewId = id_in_path("review_id")
EntryId = id_in_path("entry_id")
FactorId = id_in_path("factor_id")
ActionId = id_in_path("action_id")
FlagId = id_in_path("flag_id")
CaseId = id_in_path("case_id")
"""Ids from 1 to 2**31 - 1; a factor, action, flag or case must also belong to the review."""
