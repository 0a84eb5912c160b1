"""Two chapters at a time, safely: kernels start one at a time across the build's workers, a kernel
that dies before kernel_info is started again once (one line), and two jobs are the default on two
cores (hukoumob.book.build)."""

from __future__ import annotations

import multiprocessing
import shutil

import pytest

from hukoumob.book import build


def test_jobs_default_to_two_on_two_cores_and_follow_the_variable():
    assert build.default_jobs({}, cores=2) == 2
    assert build.default_jobs({}, cores=8) == 2
    assert build.default_jobs({}, cores=1) == 1
    assert build.default_jobs({"HUKOUMOB_BUILD_JOBS": "1"}, cores=2) == 1
    assert build.default_jobs({"HUKOUMOB_BUILD_JOBS": "3"}, cores=2) == 3
    assert build.default_jobs({"HUKOUMOB_BUILD_JOBS": "0"}, cores=2) == 1
    with pytest.raises(SystemExit, match="HUKOUMOB_BUILD_JOBS='two'"):
        build.default_jobs({"HUKOUMOB_BUILD_JOBS": "two"}, cores=2)


def _try_lock(path, queue):
    import fcntl

    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            queue.put("busy")
            return
        queue.put("got it")


def test_the_kernel_start_lock_keeps_other_processes_out_until_released(tmp_path):
    lock = tmp_path / "kernel-start.lock"
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()

    def other():
        process = fork.Process(target=_try_lock, args=(lock, queue))
        process.start()
        process.join(20)
        return queue.get(timeout=5)

    with build.kernel_start_lock(lock):
        assert other() == "busy"  # a second worker waits while one kernel starts
    assert other() == "got it"


class _FakePapermill:
    """``papermill.execute_notebook`` stand-in: fails ``failures`` times with ``error``, then copies."""

    def __init__(self, failures: int, error: str):
        self.failures, self.error, self.calls = failures, error, []

    def __call__(self, source, target, **kwargs):
        self.calls.append(kwargs)
        if len(self.calls) <= self.failures:
            raise RuntimeError(self.error)
        shutil.copy(source, target)


def _run(monkeypatch, tmp_path, fake):
    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", fake)
    chapter = build.chapters(["02_data_and_variables"])[0]
    return build.execute(chapter, cwd=tmp_path, target=tmp_path / "out.ipynb")


def test_a_kernel_that_dies_before_kernel_info_is_started_again_once(monkeypatch, tmp_path, capsys):
    fake = _FakePapermill(1, "Kernel died before replying to kernel_info")
    _run(monkeypatch, tmp_path, fake)
    assert (tmp_path / "out.ipynb").exists() and len(fake.calls) == 2
    said = capsys.readouterr().out.strip().splitlines()
    assert said == ["02_data_and_variables: its kernel died while starting (Kernel died before replying to "
                    "kernel_info); starting it again, once"]
    assert all(c["kernel_manager_class"].__name__ == "SerialStartKernelManager" for c in fake.calls)


def test_a_kernel_that_dies_twice_stops_the_build_with_the_chapter_named(monkeypatch, tmp_path):
    fake = _FakePapermill(2, "Kernel died before replying to kernel_info")
    with pytest.raises(build.ChapterError, match="chapter 02_data_and_variables: its kernel died twice"):
        _run(monkeypatch, tmp_path, fake)
    assert len(fake.calls) == 2


def test_other_errors_are_not_retried(monkeypatch, tmp_path):
    fake = _FakePapermill(1, "something else broke")
    with pytest.raises(RuntimeError, match="something else broke"):
        _run(monkeypatch, tmp_path, fake)
    assert len(fake.calls) == 1


def test_the_serial_start_manager_starts_a_kernel_that_answers(tmp_path, monkeypatch):
    """The manager the build gives papermill: a real kernel, started under the lock, answers."""
    import asyncio

    monkeypatch.setattr(build, "KERNEL_START_LOCK", tmp_path / "kernel-start.lock")
    manager = build._serial_start_kernel_manager()(kernel_name="python3")

    async def start_and_ask():
        await manager.start_kernel()
        try:
            client = manager.client()
            client.start_channels()
            reply = await client.kernel_info(reply=True, timeout=60)
            client.stop_channels()
            return reply["content"]["status"]
        finally:
            await manager.shutdown_kernel(now=True)

    assert asyncio.run(start_and_ask()) == "ok"
    assert (tmp_path / "kernel-start.lock").exists()
