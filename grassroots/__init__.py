"""The application layer: the `grassroots` command line, the one front door.

It sits on top of every other layer (sim, agents, scenarios, experiments,
viz) and nothing imports it. One module per command group lives in
`grassroots/cli/`; heavy modules are imported inside the command that needs
them, so `grassroots --help` is instant.
"""
