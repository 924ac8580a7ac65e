"""Accounts payable: vendors, the bills they send, and the payments that settle them."""
