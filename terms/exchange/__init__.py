"""The glossary as one fixture file: exported deterministically, imported whole.

The export is a Django JSON fixture with natural keys and no primary keys, so
`loaddata` reads it as well as `import_glossary` does. Neither holds the
whole glossary in memory: the export writes rows as it reads them, a chunk
at a time; the import reads the file incrementally, checks every record
against the models' validators and the database before it writes anything,
then writes it in one transaction with a few bulk queries per batch.
"""

from .common import MODELS, amounts, natural_key
from .exporting import export_glossary
from .importing import ImportFailed, Outcome, import_glossary

__all__ = [
    "MODELS",
    "ImportFailed",
    "Outcome",
    "amounts",
    "export_glossary",
    "import_glossary",
    "natural_key",
]
