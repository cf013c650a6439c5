"""The glossary as one fixture file: exported deterministically, imported whole.

The export is a Django JSON fixture with natural keys and no primary keys, so
`loaddata` reads it as well as `import_glossary` does. The import checks the
whole file against the models' validators and the database before it writes
anything, then writes it in one transaction with a few bulk queries per model.
"""

from .common import MODELS, amounts, natural_key
from .exporting import Export, export_glossary
from .importing import ImportFailed, Outcome, import_glossary

__all__ = [
    "MODELS",
    "Export",
    "ImportFailed",
    "Outcome",
    "amounts",
    "export_glossary",
    "import_glossary",
    "natural_key",
]
