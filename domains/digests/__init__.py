"""Stored weekly digests, the runs that generate them in bulk, and the e-mail outbox."""
