"""Playing one player's games and counting what happened in them."""

from __future__ import annotations

from game.balance.players import Player
from game.balance.tally import Tally
from game.core.engine import Decide, apply, play
from game.core.rules import Rules
from game.core.scoring import lessons, score
from game.core.state import DONE, FINISHED, State
from game.policies import make_policy
from game.scenario.actions import Action


def play_seeds(rules: Rules, player: Player, seeds: range) -> Tally:
    """Play the player on each seed, in order, and count what happened.

    Each game is :func:`game.core.engine.play`'s. A player that follows reference steps
    applies its own actions (:class:`StepsWatched`), so that the steps it never offered
    and the engine's reason for each step it refused are counted as it plays.
    """
    tally = Tally.empty(rules)
    step_of = {id(step.action): step.number for step in player.steps}
    for seed in seeds:
        decide = make_policy(player.policy, player.rules, seed)
        if not step_of:
            state, _ = play(rules, seed, decide)
        else:
            watched = StepsWatched(rules, step_of, decide)
            state, _ = play(rules, seed, watched)
            watched.count(tally)
        _count_game(tally, rules, state)
    return tally


class StepsWatched:
    """A player that follows reference steps, watched: it applies each action it offers
    itself, as :func:`game.core.engine.play` would (in order, at the same boundary), notes
    the step it came from and, when the engine refuses it, the reason; it hands ``play``
    nothing left to apply."""

    def __init__(self, rules: Rules, step_of: dict[int, int], decide: Decide) -> None:
        self.rules = rules
        self.step_of = step_of
        """The number of the step each action object comes from, by the object's id."""
        self.decide = decide
        self.offered: set[int] = set()
        """The numbers of the steps offered (0 for an action that is no step)."""
        self.refused: list[tuple[int, str]] = []
        """Each step refused, with the engine's reason."""

    def __call__(self, state: State) -> list[Action]:
        for action in self.decide(state):
            number = self.step_of.get(id(action), 0)
            self.offered.add(number)
            reason = apply(state, self.rules, action)
            if reason is not None and number:  # worded as a lenient replay words it
                self.refused.append((number, f"{action.do} was refused: {reason.text}"))
        return []

    def count(self, tally: Tally) -> None:
        """Count the steps never offered and the steps refused in the game played."""
        for number in self.step_of.values():
            if number not in self.offered:
                tally.untaken[number] = tally.untaken.get(number, 0) + 1
        for key in self.refused:
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
    _count_risks(tally, state)


def _count_risks(tally: Tally, state: State) -> None:
    """Count, per job, the runs that collapsed and the runs each risk struck, and the games
    in which any did."""
    collapsed = [False] * len(tally.collapses)
    struck = [[False] * len(risks) for risks in tally.risks]
    for run in state.jobs.runs:
        job = run.job_index
        tally.started_runs[job] += 1
        model = None
        if run.kind == "training" and run.status == FINISHED and run.model_index is not None:
            model = state.models[run.model_index]
        if run.collapses or (model is not None and model.collapsed):
            tally.collapsed_runs[job] += 1
            collapsed[job] = True
        if model is not None:
            tally.trained_runs[job] += 1
            for risk in model.risks:
                tally.struck_runs[job][risk] += 1
                struck[job][risk] = True
    for job, happened in enumerate(collapsed):
        if happened:
            tally.collapses[job] += 1
    for job, risks in enumerate(struck):
        for risk, happened in enumerate(risks):
            if happened:
                tally.risks[job][risk] += 1
