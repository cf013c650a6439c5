"""414 URI Too Long, as JSON, for an address past MAX_ADDRESS_LENGTH.

gunicorn refuses a request line over its `limit_request_line` with an HTML
page of its own; glossary_api/gunicorn.py raises that limit to gunicorn's
maximum (8190 bytes) so that the app sees every address up to there and
answers one over MAX_ADDRESS_LENGTH itself, in the API's own format. No
read needs an address that long: the longest parameter takes 200
characters. Beyond 8190 bytes gunicorn's page is all a client gets.
"""

from .errors import error_response

# Path and query, as sent (percent-encoded).
MAX_ADDRESS_LENGTH = 4096


class AddressLengthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.get_full_path())
        if length > MAX_ADDRESS_LENGTH:
            return error_response(
                request,
                414,
                f"The address is {length} characters long (path and query); "
                f"at most {MAX_ADDRESS_LENGTH} are accepted.",
            )
        return self.get_response(request)
