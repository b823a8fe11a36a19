"""The player's task queues: one first-in, first-out queue per category."""

from __future__ import annotations

from game.core.messages import Refusal, refused
from game.core.rules import Rules
from game.core.state import DONE, NOT_QUEUED, QUEUED, State


def queue_refusal(state: State, rules: Rules, task_index: int) -> Refusal | None:
    """Why the task cannot be queued now, or None when it can."""
    rule = rules.tasks[task_index]
    status = state.team.task_status[task_index]
    if status is DONE:
        return refused("refused.task_done", task=rule.id)
    if status is QUEUED:
        return refused("refused.task_queued", task=rule.id)
    if rule.requires is not None and not rule.requires(state):
        return refused("refused.task_needs", task=rule.id, requires=rule.requires_text)
    return None


def enqueue(state: State, rules: Rules, task_index: int) -> None:
    """Put a task at the end of its category's queue (no checks)."""
    state.team.task_status[task_index] = QUEUED
    state.team.queues[rules.tasks[task_index].category].append(task_index)


def dequeue(state: State, rules: Rules, task_index: int) -> None:
    """Take a queued task out of its queue; hours spent on it are kept."""
    state.team.task_status[task_index] = NOT_QUEUED
    state.team.queues[rules.tasks[task_index].category].remove(task_index)
