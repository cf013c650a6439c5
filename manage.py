#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glossary_api.settings")
    from glossary_api.startup import manage

    # Settings or a database address that are wrong: one line, not a traceback.
    manage(sys.argv)
