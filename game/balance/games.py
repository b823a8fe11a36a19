"""Playing one player's games and counting what happened in them."""

from __future__ import annotations

from game.balance.players import Player
from game.balance.tally import Tally
from game.core.engine import Decide, play
from game.core.rules import Rules
from game.core.scoring import lessons, score
from game.core.state import DONE, State
from game.policies import make_policy
from game.replay.replay import TimedAction, replay_lenient
from game.scenario.actions import Action


def play_seeds(rules: Rules, player: Player, seeds: range) -> Tally:
    """Play the player on each seed, in order, and count what happened.

    Each game is :func:`game.core.engine.play`'s. For a player that follows reference
    steps, the actions the policy offered are noted: a step never offered was not taken,
    and when the engine refused some, a lenient replay of the offered actions (the same
    game) gives each refused step's reason.
    """
    tally = Tally.empty(rules)
    step_of = {id(step.action): step.number for step in player.steps}
    for seed in seeds:
        decide = make_policy(player.policy, player.rules, seed)
        if not step_of:
            state, _ = play(rules, seed, decide)
        else:
            offered: list[TimedAction] = []
            state, applied = play(rules, seed, _watched(decide, offered))
            _count_steps(tally, rules, seed, step_of, offered, len(applied))
        _count_game(tally, rules, state)
    return tally


def _watched(decide: Decide, offered: list[TimedAction]) -> Decide:
    """The policy, with every action it offers noted with its tick."""

    def watching(state: State) -> list[Action]:
        actions = decide(state)
        offered.extend(TimedAction(state.clock.tick, action) for action in actions)
        return actions

    return watching


def _count_steps(
    tally: Tally,
    rules: Rules,
    seed: int,
    step_of: dict[int, int],
    offered: list[TimedAction],
    applied: int,
) -> None:
    taken = {step_of.get(id(timed.action), 0) for timed in offered}
    for number in step_of.values():
        if number not in taken:
            tally.untaken[number] = tally.untaken.get(number, 0) + 1
    if applied == len(offered):
        return
    for skipped in replay_lenient(rules, seed, offered).skipped:
        number = step_of.get(id(skipped.timed.action), 0)
        if number:
            key = (number, skipped.reason)
            tally.refused[key] = tally.refused.get(key, 0) + 1


def _count_game(tally: Tally, rules: Rules, state: State) -> None:
    result = score(state, rules)
    tally.scores.append(result.total)
    for index, (goal, _) in enumerate(rules.goals):
        if result.goals[goal.id]:
            tally.goals[index] += 1
    for index, fired in enumerate(state.events.fired):
        if fired:
            tally.events[index] += 1
    for index in lessons(state, rules):
        tally.lessons[index] += 1
    for event, picked in enumerate(state.events.chosen):
        for choice in sorted(set(picked)):
            tally.choices[event][choice] += 1
    for index, status in enumerate(state.team.task_status):
        if status == DONE:
            tally.tasks[index] += 1
