"""The rules of docs/design.md#the-rules as pure functions over loaded rows, ``as_of`` and
thresholds.

Nothing here does I/O: orchestrators load rows, call these functions and hand the frozen
dataclasses they return to ``schema/``. Import the modules by name (``from resolvers.rules import
bills``); this package deliberately re-exports nothing, so importing one rule never drags in others.
"""
