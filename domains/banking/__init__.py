"""The chart of accounts (bank balances live here) and expenses paid outside bills."""
