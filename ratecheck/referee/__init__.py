"""The worst-case referee: PEPit certificates of ‖x_N − x*‖/‖x_0 − x*‖ for Euclidean
first-order methods, each solved by two open SDP solvers and marked reliable only when they
agree and the dual proof checks out (:mod:`ratecheck.referee.pep`); the checks of a claim's
measurement and theory against them (:mod:`ratecheck.referee.crosscheck`). PEPit is imported
only when a certificate is asked for (extra ``pepit``)."""
