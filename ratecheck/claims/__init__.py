"""Every built-in claim, one module each: ``ratecheck/claims/<family>/<claim_id>.py``.

A claim module holds the claim's whole story: its record (statement, source and theorem,
provenance, kind, tolerance, the experiment and control in words), its prediction as a SymPy
expression of the grid's named symbols, and its run function, whose docstring states the
algorithm, the setting, the estimator and the control. It is written with the same API as a
user's claim (``ratecheck.claim``, ``ratecheck.Context``; see ``ratecheck.verify.context``).

``ratecheck.verify.registry`` finds the claims by walking this package. Modules whose name
starts with "_" define no claim: ``_shared.py`` holds the setting several families measure on,
and ``<family>/_<name>.py`` the helpers one family shares. SymPy derivations that several
claims use live in ``ratecheck.theory``.
"""
