"""What functions need around them, for `arbvault local` and `arbvault invoke` alike: the database, Keepa (the
offline server unless a key is given) and the template's queues on a local SQS endpoint (a moto server).

The endpoint's port is bound first, so the queues' local URLs and ARNs are known before the template is read:
:attr:`Services.parse` reads it with them, and ``!Ref JobsQueue`` in a function's environment becomes the local
queue URL. The components fill :attr:`Services.provided` with what every function gets (``DATABASE_URL``,
``KEEPA_BASE_URL`` and ``KEEPA_API_KEY``, ``AWS_ENDPOINT_URL_SQS`` and credentials).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

from infra.local.console import Console
from infra.local.database import Database
from infra.local.keepa import Keepa, KeepaOptions
from infra.local.moto_server import MotoServer
from infra.local.queues import QUEUE_TYPE, Queues, queue_resources
from infra.local.stack import Component
from infra.template import Template, parse_template, references


class Services:
    """The components functions depend on, in start order, and the template as they see it.

    With ``only_for`` (a function's name), the SQS endpoint starts only if that function uses the template's
    queues: one in its environment, or an SQS event (``arbvault invoke`` of any other function then pays nothing
    for it). Otherwise it always starts: a reloaded template may add queues. With ``queue_store`` (a file), the
    queues' messages are kept there between runs.
    """

    def __init__(self, template_path: Path, environment: Mapping[str, str], keepa: KeepaOptions, console: Console,
                 *, sqs_port: int = 0, only_for: str | None = None, queue_store: Path | None = None,
                 parameters: Mapping[str, str] | None = None) -> None:
        self.provided: dict[str, str] = {}
        self.sqs: MotoServer | None = None
        self.queues: Queues | None = None
        # The template as deployed with these parameter values (its defaults for the others).
        parse = partial(parse_template, parameters=dict(parameters or {}))
        if only_for is None or _uses_queues(parse(template_path), only_for):
            self.sqs = MotoServer(port=sqs_port)
            self.parse = partial(parse, resources=queue_resources(self.sqs.endpoint, self.sqs.account_id))
        else:
            self.parse = parse
        self.template = self.parse(template_path)
        self.database = Database(self.provided)
        self.keepa = Keepa(self.provided, environment, keepa)
        if self.sqs is not None:
            self.queues = Queues(self.template, self.sqs.endpoint, self.provided, console,
                                 account_id=self.sqs.account_id, store=queue_store)

    @property
    def components(self) -> list[Component]:
        found: list[Component | None] = [self.database, self.keepa, self.sqs, self.queues]
        return [component for component in found if component is not None]


def _uses_queues(template: Template, function: str) -> bool:
    """Whether ``function``'s environment names one of the template's queues, or an SQS event feeds it."""
    resources = template.document["Resources"]
    queues = {logical_id for logical_id, r in resources.items() if r.get("Type") == QUEUE_TYPE}
    spec = template.function(function)
    if any(event.get("Type") == "SQS" for event in spec.events.values()):
        return True
    globals_ = (template.document.get("Globals") or {}).get("Function") or {}
    properties = resources[spec.logical_id].get("Properties") or {}
    variables = [*((globals_.get("Environment") or {}).get("Variables") or {}).values(),
                 *((properties.get("Environment") or {}).get("Variables") or {}).values()]
    return any(name in queues for value in variables for name in references(value))

