"""Where ingest, learning and coding run: in this process (``engine: local``, the
default) or on a Dask cluster (``dask`` at a scheduler address, ``dask-local`` on a
LocalCluster started here); docs/scale.md.

On Dask this process plans and the workers work. Ingest: the transcripts are split
into partitions of whole files, each worker reads its partitions from the study folder
(which every worker must see at the same path) and writes one part of the documents
and segments datasets. Coding: one task per segments part codes it with the codebook
and the learned model and writes one part of the codings dataset. Each task's function
is the one the local engine calls (:func:`~dialogcode.ingest.read_transcript`,
:func:`~dialogcode.coding.code_corpus`), so the answers are the same; the spaCy
pipeline is built once per worker process (``load_pipeline`` is cached), and the
codebook and the model are sent to each worker once. Learning: one task per code fits
its model and cross-validation folds (:func:`~dialogcode.learn.fit_code`). A task
whose worker dies is run again elsewhere by Dask. The counting tables of large studies
are Dask DataFrame group-bys (:mod:`dialogcode.dask_tables`).
"""
from __future__ import annotations

import logging
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from .config import CONFIG_NAME, config_line
from .errors import ArgumentError, ConfigError, DialogcodeError, relayed_warnings, warn
from .study import Study

if TYPE_CHECKING:
    from distributed import Client

EXTRA = "pip install 'dialogcode[dask]'"
TASK_RETRIES = 2     # a task that raises (say, shared storage blinked) runs again


@dataclass(frozen=True)
class Engine:
    """The engine a command runs on: ``kind`` local, dask or dask-local."""

    kind: str
    scheduler: str | None = None
    workers: int = 2
    partition_mb: float = 4.0

    @property
    def distributed(self) -> bool:
        return self.kind != "local"


def study_engine(study: Study, scheduler: str | None = None) -> Engine:
    """The engine of ``study``'s dialogcode.yaml, or the Dask cluster at ``scheduler``
    (--scheduler) when given. Raises ConfigError for `engine: dask` without an address
    or with one Dask cannot read, ArgumentError for such a --scheduler."""
    settings = study.config.engine
    kind = "dask" if scheduler else settings.kind
    address = scheduler or settings.scheduler
    if kind == "dask" and not address:
        config = study.root / CONFIG_NAME
        raise ConfigError("engine: dask needs `scheduler: ADDRESS` (e.g. "
                          "tcp://scheduler-host:8786), or --scheduler ADDRESS",
                          file=config, line=config_line(config, "engine"))
    if kind == "dask":
        _check_address(study, address, given=bool(scheduler))
    return Engine(kind, address, settings.workers, settings.partition_mb)


def _check_address(study: Study, address: str, *, given: bool) -> None:
    """Raise ArgumentError (--scheduler) or ConfigError (dialogcode.yaml) naming
    ``address`` when it is not a Dask address such as tcp://host:8786. Without Dask
    nothing is checked: :func:`dask_client` says how to install it."""
    try:
        from distributed.comm import get_address_host_port
    except ImportError:
        return
    try:
        get_address_host_port(address)
    except ValueError as exc:
        message = (f"{address!r} is not a Dask scheduler address ({exc}); give one such "
                   "as tcp://scheduler-host:8786")
        if given:
            raise ArgumentError(f"--scheduler: {message}") from None
        config = study.root / CONFIG_NAME
        raise ConfigError(f"engine.scheduler: {message}", file=config,
                          line=config_line(config, "engine")) from None


def _distributed():
    try:
        import distributed
    except ImportError:
        raise DialogcodeError("the Dask engine needs Dask, which is not installed; run "
                              f"{EXTRA}") from None
    return distributed


@contextmanager
def dask_client(engine: Engine) -> Iterator[Client]:
    """A Dask client of ``engine``: a LocalCluster of ``workers`` processes, one thread
    each, listening on 127.0.0.1 only and without a dashboard (dask-local), or a
    connection to ``scheduler`` (dask). Raises DialogcodeError when Dask is missing or
    the scheduler cannot be reached."""
    distributed = _distributed()
    if engine.kind == "dask-local":
        with distributed.LocalCluster(n_workers=engine.workers, threads_per_worker=1,
                                      processes=True, host="127.0.0.1",
                                      dashboard_address=None,
                                      silence_logs=logging.ERROR) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(engine.scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise DialogcodeError(f"cannot reach the Dask scheduler at {engine.scheduler} "
                              f"({exc}); start it, or check the address") from None
    with client:
        yield client


@contextmanager
def connection(engine: Engine) -> Iterator[Callable[[], Client | None]]:
    """Yield a function giving the engine's Dask client, started the first time it is
    asked for (so a `run` whose stages are all up to date starts no cluster), or None
    for the local engine."""
    with ExitStack() as stack:
        opened: list[Client] = []

        def client() -> Client | None:
            if not engine.distributed:
                return None
            if not opened:
                opened.append(stack.enter_context(dask_client(engine)))
            return opened[0]

        yield client


def worker_count(client: Client) -> int:
    return max(1, len(client.scheduler_info()["workers"]))


def _warned(function, *args) -> tuple:
    """On a worker: ``function(*args)`` and the DialogcodeWarnings it raised
    (:func:`~dialogcode.errors.warn`), which a worker's stderr (another process's, or
    another machine's) would never show as the command's. They are this task's alone,
    when the worker runs other tasks at once in other threads too
    (:func:`~dialogcode.errors.relayed_warnings`); other warnings print on the worker's
    stderr."""
    with relayed_warnings() as raised:
        result = function(*args)
    return result, raised


def run_tasks(client: Client, function, jobs: list[tuple], *, desc: str,
              progress: bool, shared: tuple = ()) -> list:
    """``function(*shared, *job)`` for every job on the cluster, results in job order.
    ``shared`` objects are sent to each worker once. Tasks that fail are retried
    (:data:`TASK_RETRIES`); an error that remains is raised here, and a
    DialogcodeWarning a task raised is raised here again as its task ends (the command
    prints it once)."""
    from .progress import progress_bar

    distributed = _distributed()
    sent = client.scatter(list(shared), broadcast=True) if shared else []
    futures = [client.submit(_warned, function, *sent, *job, retries=TASK_RETRIES,
                             pure=False)
               for job in jobs]
    results = {}
    try:
        for future in progress_bar(distributed.as_completed(futures), desc=desc,
                                   enabled=progress, total=len(futures), unit="part"):
            results[future.key], raised = future.result()   # or the task's own exception
            for warning in raised:
                warn(warning, stacklevel=2)
        return [results[future.key] for future in futures]
    finally:
        client.cancel(futures)
