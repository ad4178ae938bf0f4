"""Results from a process pool or Dask are journaled as each batch completes, not in
submission order: a kill loses no finished batch, however the workers finish."""

from __future__ import annotations

import time

import pytest

from support import FIXTURES, MODELS, tm_count
from translate.localise.jobs import DEFAULT_TM_NAME, run_job
from translate.scale import ExecutorTranslate, LocalExecutor

SMALL = FIXTURES / "catalogs-small"
CONFIG = {"models_dir": str(MODELS), "device": "cpu", "glossary": False, "beam_size": 1}


def test_the_process_pool_yields_tasks_as_they_complete():
    with LocalExecutor(2) as executor:
        order = [i for i, _ in executor.map_unordered(time.sleep, [3.0, 0.0])]
    assert order == [1, 0]


@pytest.mark.slow
def test_dask_yields_tasks_as_they_complete():
    distributed = pytest.importorskip("distributed")
    from translate.scale import DaskExecutor

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster, \
            DaskExecutor(cluster.scheduler_address) as executor:
        order = [i for i, _ in executor.map_unordered(time.sleep, [3.0, 0.0])]
    assert order == [1, 0]


class _LastFirstThenKilled(LocalExecutor):
    """Runs the batches here, last first (as a pool whose first worker is slow would
    finish them), and the job is killed after two have come back."""

    def map_unordered(self, fn, tasks):  # noqa: ANN001, ANN201
        for n, i in enumerate(reversed(range(len(tasks)))):
            if n == 2:
                raise KeyboardInterrupt
            yield i, fn(tasks[i])


def test_a_killed_job_keeps_every_batch_that_completed(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt), _LastFirstThenKilled(1) as executor:
        run_job([SMALL / "web"], "en", ["it"], out, ExecutorTranslate(CONFIG, executor),
                batch_size=2)
    kept = tm_count(out / DEFAULT_TM_NAME)
    assert kept > 0  # the two batches that finished first (the last two) are journaled
    with LocalExecutor(1) as executor:
        again = run_job([SMALL / "web"], "en", ["it"], out,
                        ExecutorTranslate(CONFIG, executor), batch_size=2)
    with LocalExecutor(1) as executor:
        fresh = run_job([SMALL / "web"], "en", ["it"], tmp_path / "fresh",
                        ExecutorTranslate(CONFIG, executor), batch_size=2)
    assert again.strings_translated == fresh.strings_translated - kept
    assert again.model_calls < fresh.model_calls
