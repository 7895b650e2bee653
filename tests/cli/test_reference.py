"""docs/reference/cli.md is the one table of the command line's options: every option of every
command is in it, marked for that command, and every option it marks exists."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from qcrules.cli import main

PAGE = Path(__file__).parents[2] / "docs" / "reference" / "cli.md"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_commands(command, (*prefix, name)))
        else:
            found[" ".join((*prefix, name))] = command
    return found


def _options(command: click.Command) -> set[str]:
    """Every option name the command takes, --help included."""
    parent = click.Context(main, info_name="qcrules", **main.context_settings)
    context = click.Context(command, info_name=command.name, parent=parent)
    return {name for param in command.get_params(context) if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)}


def _documented() -> dict[str, set[str]]:
    """For each command column of the options table, the option names marked ✓."""
    lines = PAGE.read_text(encoding="utf-8").split("\n## Options", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    cells = [re.split(r"(?<!\\)\|", line.strip())[1:-1] for line in table]
    header = [cell.strip() for cell in cells[0]]
    columns = header[2:]
    marked: dict[str, set[str]] = {column: set() for column in columns}
    for row in cells[2:]:
        names = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", row[0]))
        assert names, f"a row without an option: {row[0]}"
        for column, cell in zip(columns, row[2:], strict=True):
            if cell.strip() == "✓":
                marked[column] |= names
    return marked


COMMANDS = _commands(main)


def test_every_command_has_a_column() -> None:
    """The table has one column per command, and no column for a command that does not exist."""
    assert set(_documented()) == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_options_match_the_table(name: str) -> None:
    """The options the table marks for a command are exactly the options it takes."""
    assert _documented()[name] == _options(COMMANDS[name])


def test_shared_options_mean_one_thing() -> None:
    """An option taken by several commands has the same short name and value type in each."""
    seen: dict[str, tuple[tuple[str, ...], str]] = {}
    context_free = {"--format", "--output", "--help"}   # the formats differ by command, as documented
    for name, command in COMMANDS.items():
        for param in command.params:
            if not isinstance(param, click.Option) or param.opts[-1] in context_free:
                continue
            key = max(param.opts, key=len)
            shape = (tuple(sorted(param.opts)), type(param.type).__name__)
            assert seen.setdefault(key, shape) == shape, f"{name} {key}"
