"""`StateField`: an agent attribute that reads and writes a row of a state array."""

from __future__ import annotations


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
