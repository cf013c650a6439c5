"""What the project's management commands share. Each one subclasses
BaseCommand here (loaddata, which extends Django's, takes the mixins)."""

from django.core.management import base


class OptionsInFull:
    """Options must be spelled in full. argparse would otherwise take
    `--term 50` for `--terms 50` and `--dry` for `--dry-run`: a typo in a
    cron line then runs something else than was meant, and an option added
    later can change what an old abbreviation means. The parser is made
    here, so Django's own options (`--verbosity`, `--settings`…) follow."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(
            prog_name, subcommand, **{**kwargs, "allow_abbrev": False}
        )


class BaseCommand(OptionsInFull, base.BaseCommand):
    pass
