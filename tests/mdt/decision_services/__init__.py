"""MDT decisions through the services (mdt.services.decisions): every rule of the decisions issue, with real roles."""
