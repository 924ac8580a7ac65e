"""Connecting QBO companies: the OAuth ``state`` values already spent."""
