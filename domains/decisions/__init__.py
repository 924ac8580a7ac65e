"""Pay-or-delay decisions recorded on bills, kept as an audit trail (the latest one counts)."""
