"""Log formatting (settings.LOGGING)."""

import logging


class OneLineFormatter(logging.Formatter):
    """The message alone, without the traceback attached to it: for records
    whose message says it all and that a client can cause at will."""

    def formatException(self, ei):
        return ""

    def formatStack(self, stack_info):
        return ""
