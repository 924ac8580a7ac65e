"""``runway documents``: register the operations a production server runs (trusted documents).

``register`` reads ``.graphql`` files (each one document, registered as ``sha256:<hex>`` of its
exact text) and persisted-operation manifests: Apollo's
(``{"format": "apollo-persisted-query-manifest", "operations": [{"id", "name", "body"}]}``) and
Relay's (``{"<id>": "<text>", …}``). Every document must parse; all are registered in one
transaction or none.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse

from app.cli_support import console, load_settings, run_in_transaction
from domains.documents import queries as document_queries
from domains.documents.queries import NewDocument

DEFAULT_SOURCES = (Path("docs/queries"),)

documents_cli = typer.Typer(help="Trusted documents (persisted operations).", no_args_is_help=True)


def operation_name(body: str) -> str | None:
    """The first operation's name; raises ``ValueError`` for text that isn't GraphQL."""
    try:
        document = parse(body)
    except GraphQLSyntaxError as error:
        raise ValueError(error.message) from error
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    raise ValueError("no operation in the document")


def read_documents(path: Path) -> list[NewDocument]:
    """The documents in a ``.graphql`` file, a manifest, or a directory of ``.graphql`` files."""
    if path.is_dir():
        return [doc for file in sorted(path.glob("*.graphql")) for doc in read_documents(file)]
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".json":
        return [_checked(path, NewDocument(body=text))]
    manifest = json.loads(text)
    if isinstance(manifest, dict) and isinstance(manifest.get("operations"), list):
        return [
            _checked(path, NewDocument(body=op["body"], name=op.get("name"), id=op.get("id")))
            for op in manifest["operations"]
        ]
    if isinstance(manifest, dict) and all(isinstance(v, str) for v in manifest.values()):
        return [_checked(path, NewDocument(body=body, id=key)) for key, body in manifest.items()]
    raise ValueError(f"{path}: not an Apollo or Relay persisted-operation manifest")


def _checked(path: Path, document: NewDocument) -> NewDocument:
    try:
        name = operation_name(document.body)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
    return NewDocument(body=document.body, name=document.name or name, id=document.id)


@documents_cli.command("register")
def register(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="`.graphql` files, directories of them, or manifests (.json)."),
    ] = None,
) -> None:
    """Register documents (default: docs/queries/); prints each one's documentId."""
    settings = load_settings()
    try:
        documents = [doc for source in sources or DEFAULT_SOURCES for doc in read_documents(source)]
        registered = run_in_transaction(
            settings.database_url,
            lambda session: document_queries.register_documents(session, documents=documents),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(code=2) from error
    for registration in registered:
        state = "registered" if registration.created else "already registered"
        console.print(f"{registration.id}  {registration.name or '-'}  ({state})", highlight=False)


@documents_cli.command("list")
def list_command() -> None:
    """List the registered documents: id, operation name, when."""
    settings = load_settings()
    rows = run_in_transaction(settings.database_url, document_queries.list_documents)
    for row in rows:
        console.print(
            f"{row.id}  {row.name or '-'}  {row.created_at:%Y-%m-%d %H:%M}", highlight=False
        )
    if not rows:
        console.print("No documents registered.")
