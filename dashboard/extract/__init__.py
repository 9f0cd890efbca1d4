"""Report text -> claims: places (with roles), weapons, figures, dates, claimant, background.

Entry point: :func:`extract_claims` (in ``report``). Each claim is one place, one weapon class
and one claimant in one sentence, with that sentence as evidence (``text[span[0]:span[1]] ==
evidence``). The vocabularies are the TSV files beside this package; the rules are in the small
modules: ``sentences`` (spans), ``numbers`` (what is a count), ``weapons``, ``figures`` (weapon
counts), ``people`` (casualties), ``dates``, ``claimants``, ``places`` (roles), ``background``,
``reading`` (one sentence alone), ``context`` (what carries from sentence to sentence),
``assemble`` (claims of a sentence; report-level clean-up) and ``report`` (the whole report,
sentence after sentence).
"""
from .report import extract_claims

__all__ = ["extract_claims"]
