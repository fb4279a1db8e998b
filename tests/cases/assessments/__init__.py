"""Recording scores (SINS, revised Tokuhashi, Tomita): the service, the clinicians' form and the admin pages."""
