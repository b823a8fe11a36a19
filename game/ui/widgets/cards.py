"""Task cards: a task's category colour, hours, cost, requirement and progress.

The category colour is the border of the card's button (the theme's ``@research``,
``@data``, ``@infra`` and ``@writing``).

Clicking a card's name queues an open task or takes a queued one out of its queue; a
card whose action is refused is disabled and its tooltip says why.
"""

from __future__ import annotations

import pygame
import pygame_gui

from game.core.view import TaskView
from game.ui.widgets.build import Container, button, label

CARD_HEIGHT = 58


def task_button_id(task_id: str) -> str:
    """The object id of a task card's button ('#task_model_card')."""
    return f"#task_{task_id}"


def card_details(task: TaskView) -> str:
    """The card's second line: hours, cost and progress, or what the task still needs."""
    cost = f" · ${task.cost:,.0f}" if task.cost else ""
    done = f" · {task.hours_done:.1f} h done" if task.hours_done and task.status != "done" else ""
    if task.status == "done":
        return f"done · {task.hours:g} h{cost}"
    if task.status == "open" and task.blocked:
        if task.blocked.code == "refused.task_needs":
            return f"needs: {task.blocked.values['requires']}"
        return task.blocked.text
    return f"{task.hours:g} h{cost}{done}"


def card_tooltip(task: TaskView, description: str) -> str:
    """What the card's button says on hover."""
    what = description.strip() or task.name
    head = f"{what}\n\n{task.category.capitalize()} work, {task.hours:g} hours"
    if task.cost:
        head += f", ${task.cost:,.0f} when it starts"
    if task.status == "queued":
        return head + ".\nClick to take it out of its queue (hours spent are kept)."
    if task.status == "done":
        return head + ".\nDone."
    return head + ".\nClick to put it at the end of its category's queue."


def done_summary(done: list[TaskView]) -> tuple[str, str]:
    """The backlog's one line for the finished tasks, and its tooltip listing them."""
    names = ", ".join(task.name for task in done)
    listing = "\n".join(f"{task.name} ({task.category}, {task.hours:g} h)" for task in done)
    return f"Done ({len(done)}): {names}", f"Tasks done today:\n{listing}"


def task_card(
    manager: pygame_gui.UIManager,
    container: Container,
    rect: pygame.Rect,
    task: TaskView,
    description: str,
    refused: str | None,
) -> tuple[pygame_gui.elements.UILabel, pygame_gui.elements.UIStatusBar]:
    """Build one card in ``rect`` of ``container``; ``refused`` disables its button.

    Returns the widgets that change as the task progresses: its details line and bar.
    """
    left = rect.x + 2
    width = rect.width - 4
    blocked = refused if task.status != "done" else "done"
    button(
        manager,
        pygame.Rect(left, rect.y + 2, width, 26),
        task.name,
        task_button_id(task.id),
        container=container,
        class_id=f"@{task.category}",
        tooltip=card_tooltip(task, description),
        blocked=blocked,
    )
    details = label(
        manager,
        pygame.Rect(left, rect.y + 30, width, 18),
        card_details(task),
        container=container,
        class_id="@small",
        tooltip=card_tooltip(task, description),
    )
    bar = pygame_gui.elements.UIStatusBar(
        pygame.Rect(left, rect.y + 50, width, 5), manager, container=container
    )
    bar.percent_full = min(1.0, task.hours_done / task.hours) if task.hours else 0.0
    return details, bar
