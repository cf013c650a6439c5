"""CDN purge backends (GLOSSARY_PURGE_BACKEND): a purge names surrogate keys
(terms/changes/keys.py), or "*" for everything.

- "log": writes each purge to the log (the default: no CDN to tell);
- "fastly": POSTs the keys in a Surrogate-Key header to
  GLOSSARY_PURGE_URL (https://api.fastly.com/service/<id>/purge), with
  GLOSSARY_PURGE_TOKEN as Fastly-Key; everything: the URL's purge_all;
- "cloudflare": POSTs {"tags": [...]} to GLOSSARY_PURGE_URL
  (https://api.cloudflare.com/client/v4/zones/<id>/purge_cache) with the
  token as a bearer token; everything: {"purge_everything": true}.
"""

import json
import logging

from django.conf import settings

from . import http
from .http import Result

logger = logging.getLogger(__name__)
EVERYTHING = "*"


def chunks(keys: list[str], size: int):
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class LoggingBackend:
    def purge(self, keys: list[str]) -> Result:
        logger.info("CDN purge: %s", " ".join(keys))
        return Result(200, "logged")


class HTTPBackend:
    chunk = 100

    def __init__(self, url: str, token: str, timeout: float):
        self.url, self.token, self.timeout = url, token, timeout

    def purge(self, keys: list[str]) -> Result:
        result = Result(200, "nothing to purge")
        for part in [[EVERYTHING]] if EVERYTHING in keys else chunks(keys, self.chunk):
            result = http.post(*self.request(part), timeout=self.timeout)
            if not result.ok:
                break
        return result


class FastlyBackend(HTTPBackend):
    chunk = 256  # Fastly's limit per batch purge

    def request(self, keys):
        headers = {"Fastly-Key": self.token, "Accept": "application/json"}
        if keys == [EVERYTHING]:
            return self.url.rstrip("/") + "_all", b"", headers
        return self.url, b"", headers | {"Surrogate-Key": " ".join(keys)}


class CloudflareBackend(HTTPBackend):
    chunk = 30  # Cloudflare's limit of tags per request

    def request(self, keys):
        body = {"purge_everything": True} if keys == [EVERYTHING] else {"tags": keys}
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
        }
        return self.url, json.dumps(body).encode(), headers


BACKENDS = {"fastly": FastlyBackend, "cloudflare": CloudflareBackend}


def backend():
    name = settings.GLOSSARY_PURGE_BACKEND
    if name == "log":
        return LoggingBackend()
    return BACKENDS[name](
        settings.GLOSSARY_PURGE_URL,
        settings.GLOSSARY_PURGE_TOKEN,
        settings.GLOSSARY_WEBHOOK_TIMEOUT,
    )
