"""The outbox: what leaves the service when content changes (webhook
deliveries and CDN purges), read from the change log by a worker."""
