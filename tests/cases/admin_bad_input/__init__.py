"""Bad input typed into the coordinators' workspace (Django admin) is refused, explained, and never saved."""
