"""Businesses (one QBO company each) and the payment terms their vendors and customers share."""
