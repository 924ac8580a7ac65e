"""The hygiene tray's rules (docs/design.md#the-rules): what is wrong with which record, and the
score.

``codes`` (issue codes and their severities), ``items`` (an issue, a flagged record),
``documents`` (bill and invoice checks), ``duplicates`` (POSSIBLE_DUPLICATE matching),
``counterparties`` (vendor and customer checks), ``score`` and ``report`` (the whole tray of one
business). Import the modules by name; nothing is re-exported.
"""
