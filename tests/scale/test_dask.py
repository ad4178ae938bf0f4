"""Scale-out on Dask: a LocalCluster of 2 worker processes on loopback runs the REAL
fixture models; the outputs must be byte-identical to the local executor's, the memory and
resume must hold, and a worker killed mid-job must not stop the job.

One cluster is shared by the module (starting one takes seconds); the test that kills a
worker runs last. Torch runs one thread in this process, as in Dask's workers
(OMP_NUM_THREADS=1), and batches have the same composition everywhere, so the decoded
numbers are the same.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from support import FIXTURES, MODELS, article

distributed = pytest.importorskip("distributed")

from translate.cli import main  # noqa: E402
from translate.localise.jobs import DEFAULT_TM_NAME, run_job  # noqa: E402
from translate.scale import DaskExecutor, ExecutorTranslate, LocalExecutor  # noqa: E402
from translate.scale.tasks import worker_info  # noqa: E402

SMALL = FIXTURES / "catalogs-small"
EPOCH = "1708941600"
CONFIG = {"models_dir": str(MODELS), "device": "cpu", "glossary": False, "beam_size": 1}
BATCH = 2


@pytest.fixture(scope="module", autouse=True)
def _reproducible_dates():
    # torch threads are pinned to one by tests/conftest.py
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(DEFAULT_TM_NAME)}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The reference: the local executor, in this process."""
    out = tmp_path_factory.mktemp("local") / "out"
    with LocalExecutor(1) as executor:
        report = run_job([SMALL], "en", ["az", "it"], out,
                         ExecutorTranslate(CONFIG, executor), batch_size=BATCH)
    return out, report


def test_dask_gives_the_local_output_byte_for_byte(client, local_run, tmp_path):
    ref, ref_report = local_run
    out = tmp_path / "out"
    with DaskExecutor(client=client) as executor:
        report = run_job([SMALL], "en", ["az", "it"], out,
                         ExecutorTranslate(CONFIG, executor), batch_size=BATCH)
    assert outputs(out) == outputs(ref)
    assert report.model_calls == ref_report.model_calls > 4
    assert [f.key for f in report.failed] == [f.key for f in ref_report.failed]
    # batches, not strings, per task; each worker built its translator once
    info = client.run(worker_info)
    assert sum(i["tasks"] for i in info.values()) >= report.model_calls
    assert all(i["translators_built"] <= 1 for i in info.values())
    assert sum(i["tasks"] for i in info.values()) > len(info)
    # the client journaled everything: a second run sends no task
    with DaskExecutor(client=client) as executor:
        again = run_job([SMALL], "en", ["az", "it"], out,
                        ExecutorTranslate(CONFIG, executor), batch_size=BATCH)
    assert again.model_calls == 0 and again.files_written == ()


def test_cli_localise_on_an_existing_scheduler(cluster, local_run, tmp_path, capsys,
                                               monkeypatch):
    ref = local_run[0]
    args = ["localise", str(SMALL), "--from", "en", "--to", "it", "--models-dir",
            str(MODELS), "--beam-size", "1", "--no-glossary", "--batch-size", str(BATCH),
            "--executor", "dask"]
    assert main([*args, "-o", str(tmp_path / "a"), "--scheduler",
                 cluster.scheduler_address]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model_calls"] > 0
    want = {k: v for k, v in outputs(ref).items() if k.startswith("it/")}
    assert outputs(tmp_path / "a") == want
    # the address from the environment, as Dask's own tools set it
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
    assert main([*args, "-o", str(tmp_path / "b"), "--tm", str(tmp_path / "a" /
                                                             DEFAULT_TM_NAME)]) == 0
    assert json.loads(capsys.readouterr().out)["model_calls"] == 0
    assert outputs(tmp_path / "b") == want


def test_unreachable_scheduler_is_a_one_line_error():
    from translate.errors import UserError

    with pytest.raises(UserError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=2)


def test_article_batch_form_on_dask(cluster, tmp_path, capsys):
    paragraphs = article("en").split("\n\n")
    src = tmp_path / "in"
    (src / "world").mkdir(parents=True)
    (src / "rome.en.txt").write_text("\n\n".join(paragraphs[:2]) + "\n", encoding="utf-8")
    (src / "world" / "ambassador.txt").write_text("\n\n".join(paragraphs[2:4]) + "\n",
                                                  encoding="utf-8")
    (src / ".hidden.txt").write_text("skipped\n", encoding="utf-8")
    common = ["article", str(src), "--from", "en", "--to", "it,az", "--models-dir",
              str(MODELS), "--no-glossary", "--beam-size", "1"]
    assert main([*common, "-o", str(tmp_path / "local")]) == 0
    assert main([*common, "-o", str(tmp_path / "dask"), "--executor", "dask",
                 "--scheduler", cluster.scheduler_address]) == 0
    capsys.readouterr()
    local = outputs(tmp_path / "local")
    assert sorted(local) == ["rome.az.txt", "rome.it.txt", "world/ambassador.az.txt",
                             "world/ambassador.it.txt"]
    assert outputs(tmp_path / "dask") == local
    assert local["rome.it.txt"].decode().startswith("Evento commemorativo nella chiesa")


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")  # the module's cluster
def test_dask_without_an_address_starts_a_local_cluster(local_run, tmp_path, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    out = tmp_path / "out"
    with DaskExecutor(None, workers=1) as executor:
        assert executor.cluster is not None
        assert executor.client.scheduler_info()["address"].startswith("tcp://127.0.0.1:")
        run_job([SMALL / "web"], "en", ["it"], out, ExecutorTranslate(CONFIG, executor),
                batch_size=BATCH)
    assert executor.cluster is None  # closed with the executor
    # app.json's batches differ from the full run's: compare with a local run of the same
    with LocalExecutor(1) as local:
        run_job([SMALL / "web"], "en", ["it"], tmp_path / "ref",
                ExecutorTranslate(CONFIG, local), batch_size=BATCH)
    assert outputs(out) == outputs(tmp_path / "ref")


class _KillsAWorker(DaskExecutor):
    """Kills (SIGKILL) a worker process that has tasks in flight once the first result
    is back - a crash in the middle of a job, as a machine would have it."""

    killed: list[int] = []

    def map_unordered(self, fn, tasks):  # noqa: ANN001, ANN201
        results = super().map_unordered(fn, tasks)
        yield next(results)
        deadline = time.monotonic() + 30
        while not self.killed:  # once per job: in the first target's batches
            busy = [addr for addr, keys in self.client.processing().items() if keys]
            pids = self.client.run(os.getpid)
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                self.killed.append(pids[busy[0]])
            assert time.monotonic() < deadline, "no worker had tasks in flight"
        yield from results


def test_a_worker_killed_mid_job_has_its_tasks_retried(client, local_run, tmp_path):
    ref, ref_report = local_run
    out = tmp_path / "out"
    executor = _KillsAWorker(client=client)
    executor.killed = []
    report = run_job([SMALL], "en", ["az", "it"], out, ExecutorTranslate(CONFIG, executor),
                     batch_size=BATCH)
    assert len(executor.killed) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(executor.killed[0], 0)
    assert report.model_calls == ref_report.model_calls
    assert outputs(out) == outputs(ref)
    assert not list(out.rglob("*.part"))
