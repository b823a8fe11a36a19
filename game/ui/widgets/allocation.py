"""The allocation of the player's hours: four linked sliders that always add up to 100%.

Moving one slider shares the rest among the other three in proportion to what they had
(whole percents, largest remainders first), so the four always add up to 100. Presets
set all four at once. The context-switch cost of the split is shown beside them.
"""

from __future__ import annotations

from game.scenario.types import CATEGORIES

PRESETS: dict[str, tuple[int, int, int, int]] = {
    "even": (25, 25, 25, 25),
    "lesson": (20, 30, 30, 20),
}
"""Named splits: an even one, and the lesson's typical day (research, data, infra, writing)."""

STEP = 5
"""The sliders move in steps of 5%."""


def rebalance(shares: tuple[int, ...], moved: int, value: int) -> tuple[int, int, int, int]:
    """The split after slider ``moved`` is set to ``value``: the others share the rest.

    They keep their proportions among themselves (an even share when all were 0); the
    rounding remainder goes to the largest fractions, then to the lowest index.
    """
    value = max(0, min(100, int(value)))
    rest = 100 - value
    others = [i for i in range(4) if i != moved]
    weights = [shares[i] for i in others]
    total = sum(weights)
    if total <= 0:
        weights = [1, 1, 1]
        total = 3
    exact = [rest * w / total for w in weights]
    floors = [int(x) for x in exact]
    left = rest - sum(floors)
    order = sorted(range(3), key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    result = [0, 0, 0, 0]
    result[moved] = value
    for k, i in enumerate(others):
        result[i] = floors[k]
    return (result[0], result[1], result[2], result[3])


def switch_cost(context_switch: float, shares: tuple[int, ...]) -> str:
    """What the split costs in switching: 'Switching between 3 kinds of work: -10% hours'."""
    active = sum(1 for share in shares if share > 0)
    lost = min(100.0, context_switch * max(0, active - 1))
    if active <= 1:
        return "One kind of work: no switching cost"
    return f"{active} kinds of work: switching costs {lost:g}% of your hours"


def category_names() -> tuple[str, ...]:
    """The four categories, in the order the sliders show them."""
    return tuple(CATEGORIES)
