"""Writes to the MDT process: agendas and meetings (agenda.py), decisions (decisions.py)."""
