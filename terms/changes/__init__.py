"""The change log: which public resources each committed write changed."""
