"""Accounts receivable: customers, the invoices sent to them, and the payments they make."""
