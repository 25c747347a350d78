"""`python -m grassroots ...`: the same as the `grassroots` command."""

from grassroots.cli import entry

if __name__ == "__main__":
    entry()
