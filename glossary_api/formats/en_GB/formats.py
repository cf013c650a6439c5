"""One date format in the admin, shown or typed: "24 May 2026".

Django's en-GB formats show "24 May 2026" but fill inputs with
"24/05/2026", and times as "9 a.m."; an editor then meets three formats on
one form. What is not set here comes from Django's en-GB formats, so
"24/05/2026" and ISO dates are still read.
"""

from django.conf.locale.en_GB import formats as en_gb

DATE_FORMAT = "d M Y"
DATETIME_FORMAT = "d M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATE_INPUT_FORMATS = ["%d %b %Y", *en_gb.DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%d %b %Y, %H:%M", *en_gb.DATETIME_INPUT_FORMATS]
