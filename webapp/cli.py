"""Flask commands: `flask demo` builds the demo company."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo_command():
    """Build (or bring up to date) the demo company, its sites, people and a week of history."""
    from webapp.demo import build

    accounts = build()
    click.echo("Demo company ready. Sign in at /login with:")
    for login, password, role in accounts:
        click.echo(f"  {role:<11} {login:<12} {password}")


def init_app(app) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
