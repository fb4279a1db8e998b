"""The MDT pages: meetings and agendas (meetings.py), decisions (decisions.py)."""
