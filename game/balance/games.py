"""Playing one player's games and counting what happened in them."""

from __future__ import annotations

from game.balance.players import Player
from game.balance.tally import Tally
from game.core.engine import advance, apply, new_game
from game.core.rules import Rules
from game.core.scoring import lessons, score
from game.core.state import DONE
from game.policies import make_policy


def play_seeds(rules: Rules, player: Player, seeds: range) -> Tally:
    """Play the player on each seed, in order, and count what happened.

    The game is the one :func:`game.core.engine.play` plays; the only difference is that
    the reference steps are followed: one the engine refuses is noted with its reason,
    one the policy never takes is noted too.
    """
    tally = Tally.empty(rules)
    step_of = {id(step.action): step.number for step in player.steps}
    numbers = [step.number for step in player.steps]
    slots = max(numbers, default=0) + 1
    for seed in seeds:
        decide = make_policy(player.policy, player.rules, seed)
        state = new_game(rules, seed)
        taken = [False] * slots
        while not state.over:
            for action in decide(state):
                reason = apply(state, rules, action)
                step = step_of.get(id(action), 0)
                taken[step] = True
                if reason is not None and step:
                    key = (step, f"{action.do} was refused: {reason}")
                    tally.refused[key] = tally.refused.get(key, 0) + 1
            advance(state, rules)
        for step_number in numbers:
            if not taken[step_number]:
                tally.untaken[step_number] = tally.untaken.get(step_number, 0) + 1
        result = score(state, rules)
        tally.scores.append(result.total)
        for index, (goal, _) in enumerate(rules.goals):
            if result.goals[goal.id]:
                tally.goals[index] += 1
        for index, fired in enumerate(state.fired):
            if fired:
                tally.events[index] += 1
        for index in lessons(state, rules):
            tally.lessons[index] += 1
        for event, picked in enumerate(state.chosen):
            for choice in sorted(set(picked)):
                tally.choices[event][choice] += 1
        for index, status in enumerate(state.task_status):
            if status == DONE:
                tally.tasks[index] += 1
    return tally
