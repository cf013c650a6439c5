"""Settings for `make bench`: the production settings plus a baseline view.

Everything comes from glossary_api.settings (and so from the environment, as
in production); only the URL conf differs, to mount the baseline that every
endpoint's throughput is compared with. Never deploy with these settings.
"""

from glossary_api.settings import *  # noqa: F403
from glossary_api.settings import DEBUG
from glossary_api.startup import SettingsError

if DEBUG:
    # DEBUG adds the browsable renderer and a query log: not what production runs.
    raise SettingsError("The benchmark runs with DJANGO_DEBUG=false.")

ROOT_URLCONF = "bench.urls"
