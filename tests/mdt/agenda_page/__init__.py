"""The agenda page at /meetings/<id>/: who sees what, readiness flags, preparation, constant queries."""
