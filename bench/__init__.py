"""Benchmarks for docs/design.md#performance-targets: every figure a ratio of two things measured
side by side in one run.

``python -m bench <name> [--size smoke|full] [--db sqlite|postgresql|both]``, where name is
``data`` (build the cached databases), ``digest``, ``views``, ``sync``, ``statements``, ``peers``
(Runway beside PostGraphile 4, on PostgreSQL) or ``all``.
Absolute timings depend on the machine and its load; the ratios are what the targets are about.
Results of a full run are kept in ``bench/RESULTS.md``; CI runs each benchmark at smoke size
(``tests/bench/test_smoke.py``), asserting only that it completes with a sane shape.
"""
