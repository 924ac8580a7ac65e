"""Keeps the local mirror in step with QuickBooks Online: client, throttle, paging, CDC, mapper."""
