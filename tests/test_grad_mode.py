"""Grad mode belongs to each thread and each asyncio task: one's no_grad() never switches off another's graph.

The threads are forced to overlap with Events, never with sleeps: each test
fixes the order in which the blocks open and close, so it fails the same way
every time on a process-wide flag.
"""

import asyncio
import threading

import nn
from autograd import Value, is_grad_enabled, no_grad
from threads import WAIT, run_in_thread


def _records(x=2.0):
    """Build a * b in the calling thread; return (recorded parents?, a.grad after backward)."""
    a, b = Value(x, "a"), Value(3.0, "b")
    out = a * b
    out.backward()
    return out.parents == (a, b), a.grad


def test_no_grad_in_one_thread_leaves_another_recording():
    inside, done_looking = threading.Event(), threading.Event()
    seen_inside = []

    def evaluates():
        with no_grad():
            inside.set()
            seen_inside.append(is_grad_enabled())
            assert done_looking.wait(WAIT)
            seen_inside.append(is_grad_enabled())

    join = run_in_thread(evaluates)
    try:
        assert inside.wait(WAIT)
        # The other thread is inside no_grad() right now; this one still records.
        assert is_grad_enabled()
        assert _records() == (True, 3.0)
        model = nn.MLP(2, [3, 1], seed=0)
        score = model([0.5, -1.0])[0]
        assert score.parents, "an MLP in this thread must still build its graph"
    finally:
        done_looking.set()
        join()
    assert seen_inside == [False, False]


def test_overlapping_blocks_in_two_threads_leave_recording_on():
    # The order that broke the shared flag: first opens, second opens, first
    # closes, second closes (the second then restored the "off" it had seen).
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with no_grad():
            first_in.set()
            assert second_in.wait(WAIT)
        first_out.set()

    def second():
        assert first_in.wait(WAIT)
        with no_grad():
            second_in.set()
            assert first_out.wait(WAIT)

    join_first, join_second = run_in_thread(first), run_in_thread(second)
    join_first()
    join_second()
    assert is_grad_enabled()
    assert _records() == (True, 3.0)
    after = []
    join = run_in_thread(lambda: after.append((is_grad_enabled(), _records())))
    join()
    assert after == [(True, (True, 3.0))], "a new thread starts recording"


def test_two_asyncio_tasks_with_interleaved_awaits_each_see_their_own_mode():
    async def both():
        evaluator_inside, trainer_looked, evaluator_left = (asyncio.Event(), asyncio.Event(),
                                                            asyncio.Event())

        async def evaluator():
            with no_grad():
                evaluator_inside.set()
                await trainer_looked.wait()           # the trainer runs while this block is open
                out = Value(2.0) * Value(3.0)
                mode = is_grad_enabled()
            evaluator_left.set()
            return mode, out.parents

        async def trainer():
            await evaluator_inside.wait()
            seen = is_grad_enabled(), _records()
            trainer_looked.set()
            with no_grad():
                await evaluator_left.wait()           # the evaluator closes its block meanwhile
                inside = is_grad_enabled()
            return seen, inside

        return await asyncio.gather(evaluator(), trainer())

    (evaluator_mode, evaluator_parents), (trainer_seen, trainer_inside) = asyncio.run(both())
    assert (evaluator_mode, evaluator_parents) == (False, ())
    assert trainer_seen == (True, (True, 3.0))
    assert trainer_inside is False
    assert is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_error_and_nests():
    try:
        with no_grad():
            with no_grad():
                assert not is_grad_enabled()
            assert not is_grad_enabled()
            raise KeyError("leave the block by an error")
    except KeyError:
        pass
    assert is_grad_enabled()
    assert _records() == (True, 3.0)
