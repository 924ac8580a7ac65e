"""The ASGI application, its settings, wiring and the ``runway`` command line."""
