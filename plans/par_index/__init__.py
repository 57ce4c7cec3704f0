"""The PAR INDEX desk's domain: scorecards, where points were lost, the projection.

Pure (no Telegram, no database): a scorecard is read from bytes
(:func:`plans.par_index.reader.load_scores`), tasks are linked to criteria by
the codes they cite (:mod:`plans.par_index.links`), and this year's score is
projected from last year's by one stated rule (:mod:`plans.par_index.projection`).
Points are :class:`decimal.Decimal` throughout: the documents write them with
a decimal comma and up to three places ("81,863"), and a float would print
1,4200000000000002 back to the chairman.
"""
