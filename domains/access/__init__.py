"""Who may call the API: hashed bearer tokens, their roles and the businesses they may see."""
