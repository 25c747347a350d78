"""`StateField`: an agent attribute that reads and writes a row of a state array;
`state_views`: one for every field of a state table, generated from the table."""

from __future__ import annotations

from collections.abc import Callable, Mapping


class StateField:
    """Descriptor: `agent.<name>` is `model.state.<table>.<name>[agent.idx]`."""

    def __init__(self, name: str | None = None, table: str = "households"):
        self.name = name
        self.table = table

    def __set_name__(self, owner, attr):
        if self.name is None:
            self.name = attr

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return getattr(getattr(agent.model.state, self.table), self.name)[agent.idx]

    def __set__(self, agent, value):
        getattr(getattr(agent.model.state, self.table), self.name)[agent.idx] = value


def state_views(table: str, fields: Mapping[str, object],
                renamed: Mapping[str, str] | None = None) -> Callable[[type], type]:
    """Class decorator: a `StateField` for every field of a state table
    (`sim.state.HOUSEHOLD_FIELDS` ...), so an agent sees every field of its row
    and a field added to the table is seen without another edit. `renamed`
    maps a field to the attribute it is seen under (the household's `grid`
    is `grid_id`); a field that would shadow an attribute of the class is an
    error."""

    def add(cls: type) -> type:
        add_views(cls, table, fields, renamed)
        return cls

    return add


def add_views(cls: type, table: str, fields: Mapping[str, object],
              renamed: Mapping[str, str] | None = None) -> None:
    """A `StateField` on `cls` for every field of `fields` it does not see yet
    (`state_views`, and the fields of a mechanism registered after the class
    was made, `sim.mechanisms`). A field whose name is taken by anything else
    is an error."""
    renamed = dict(renamed or {})
    for name in fields:
        attr = renamed.get(name, name)
        seen = cls.__dict__.get(attr)
        if isinstance(seen, StateField) and seen.name == name and seen.table == table:
            continue
        if hasattr(cls, attr):
            raise TypeError(f"{cls.__name__}.{attr} exists: the {table} field {name!r} "
                            "needs another name (state_views' renamed, or the mechanism's)")
        view = StateField(name, table)
        view.__set_name__(cls, attr)
        setattr(cls, attr, view)


def drop_views(cls: type, table: str, fields: Mapping[str, object]) -> None:
    """Remove the `StateField`s of `cls` whose field has left the table (a
    mechanism unregistered since they were added)."""
    for attr, view in list(vars(cls).items()):
        if isinstance(view, StateField) and view.table == table and view.name not in fields:
            delattr(cls, attr)
