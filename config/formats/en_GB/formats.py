"""British formats with 24-hour times: a hospital reads "14:30", never "2:30 p.m." (Django's en_GB
formats use "P"). Used wherever a date or time is shown without an explicit format: the workspace,
forms, emails."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
