"""The decision pages: recording outcomes in the meeting, sign-off, amendments, urgent decisions,
letters, the case page's decision history, and constant queries for a long meeting."""
