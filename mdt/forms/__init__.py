"""Forms of the MDT pages: agendas and meetings (meetings.py), decisions (decisions.py)."""
