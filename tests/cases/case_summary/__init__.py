"""What the MDT sees about one case: the latest scores, ESCC, radiosensitivity, the NOMS suggestion and the clocks."""
