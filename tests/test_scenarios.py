"""The two shipped scenarios: they validate, reproduce the seed's numbers, and are balanced.

Ravi's Tuesday must reproduce the seed lesson's numbers (F1 0.87 and hallucination 2.1% on
the blind test set, Spanish code-switching unmeasured, escalations 20% -> 17.6%). Measuring
must pay: its reference plan, which reads its evals and A/B test, beats its own recorded
action lists replayed blind, and those lists without evals and A/B tests lose clearly.
Each of the day's costliest mistakes costs points and shows its lesson, and no lesson
shows without its condition. Doing nothing scores under 400 in both. The tutorial's
reference must score 800+. Every event of both files must fire in at least one of the
games played here.
"""

from __future__ import annotations

import copy
import re
import statistics
from collections.abc import Callable
from functools import cache
from math import fsum
from pathlib import Path
from typing import Any

import pytest

from game.core import evidence
from game.core.engine import Decide, advance, new_game, play
from game.core.evals import escalation_rate
from game.core.rules import Rules, prepare
from game.core.scoring import lessons, score
from game.core.state import State
from game.core.view import player_view
from game.policies import make_policy
from game.replay.replay import TimedAction, replay_lenient, timed
from game.scenario.actions import (
    Action,
    Allocate,
    AtStartJob,
    Choose,
    QueueTask,
    ReferenceStep,
    StartJob,
    StopJob,
)
from game.scenario.expr import parse_expr
from game.scenario.load import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
RAVI = SCENARIOS / "ravi-tuesday.yaml"
TUTORIAL = SCENARIOS / "tutorial.yaml"
SEEDS = range(50)

Factory = Callable[[Rules, int], Decide]


@cache
def rules_of(path: Path) -> Rules:
    """The prepared rules of a shipped scenario, loaded through the loader."""
    return prepare(load_scenario(path).scenario)


def policy(name: str) -> Factory:
    return lambda rules, seed: make_policy(name, rules, seed)


Change = Callable[[list[ReferenceStep]], list[ReferenceStep]]


def _choosing(event: str, old: str, new: str) -> Change:
    def change(steps: list[ReferenceStep]) -> list[ReferenceStep]:
        found = [s for s in steps if s.do == "choose" and s.event == event and s.choice == old]
        assert len(found) == 1, (event, old)
        return [s.model_copy(update={"choice": new}) if s is found[0] else s for s in steps]

    return change


def _without_spanish(steps: list[ReferenceStep]) -> list[ReferenceStep]:
    kept = [s for s in steps if not (s.do == "queue_task" and s.task == "annotation_guide")]
    assert len(kept) == len(steps) - 1
    return kept


def _ungated(steps: list[ReferenceStep]) -> list[ReferenceStep]:
    """No eval of the candidate, no A/B test: ship it as soon as it is trained."""
    kept = [
        s
        for s in steps
        if not (s.do == "start_job" and (s.job == "ab_test" or s.model == "lora_es-1"))
    ]
    ship = next(s for s in kept if s.do == "ship")
    when = _condition('completed("lora_es") >= 1')
    return [s.model_copy(update={"when": when}) if s is ship else s for s in kept]


def _with_full_fine_tune(steps: list[ReferenceStep]) -> list[ReferenceStep]:
    return [AtStartJob(at=0, job="full_ft"), *steps]


def _fixed_split(steps: list[ReferenceStep]) -> list[ReferenceStep]:
    return [s for s in steps if s.do != "allocate"]


def _condition(text: str) -> Any:
    return parse_expr(text, rules_of(RAVI).scenario.names())


RAVI_VARIANTS: dict[str, Change] = {
    "reference": list,
    "accept_freeze": _choosing("compute_freeze", "cost_plan", "accept"),
    "hope": _choosing("promo_email", "autoscale", "hope"),
    "no_spanish": _without_spanish,
    "ungated": _ungated,
    "full_ft": _with_full_fine_tune,
    "fixed_split": _fixed_split,
    "stagger": _choosing("promo_email", "autoscale", "stagger"),
    "no_status": _choosing("api_outage", "status_update", "wait"),
}
"""The reference plan, and the plan with one of the day's costliest mistakes in it."""


@cache
def variant_rules(name: str) -> Rules:
    """Ravi's Tuesday with its reference plan changed by one of :data:`RAVI_VARIANTS`."""
    scenario = rules_of(RAVI).scenario
    steps = RAVI_VARIANTS[name](list(scenario.reference))
    return prepare(scenario.model_copy(update={"reference": steps}))


@cache
def games(path: Path, name: str) -> tuple[State, ...]:
    """Final states of one policy or plan over SEEDS (played once, shared by the tests)."""
    if path == RAVI and name in RAVI_VARIANTS:
        rules = variant_rules(name)
        factory = policy("reference")
    else:
        rules = rules_of(path)
        factory = policy(name)
    return tuple(play(rules, seed, factory(rules, seed))[0] for seed in SEEDS)


def mean_score(path: Path, name: str) -> float:
    rules = rules_of(path)
    return statistics.mean(score(state, rules).total for state in games(path, name))


RAVI_PLAYERS = (*RAVI_VARIANTS, "idle", "random", "greedy")
TUTORIAL_PLAYERS = ("reference", "idle", "random", "greedy")


# -- Both files validate ------------------------------------------------------------------


@pytest.mark.parametrize("path", [RAVI, TUTORIAL], ids=lambda p: p.stem)
def test_shipped_scenario_validates(path: Path) -> None:
    loaded = load_scenario(path)
    assert loaded.id == path.stem
    assert loaded.scenario.reference, "a shipped scenario has a reference solution"
    assert loaded.scenario.debrief.lessons


@pytest.mark.parametrize("path", [RAVI, TUTORIAL], ids=lambda p: p.stem)
def test_every_reference_step_the_policy_takes_is_accepted(path: Path) -> None:
    rules = rules_of(path)
    for seed in range(10):
        proposed: list[Action] = []
        decide = make_policy("reference", rules, seed)

        def recording(
            state: State, decide: Decide = decide, proposed: list[Action] = proposed
        ) -> list[Action]:
            actions = decide(state)
            proposed.extend(actions)
            return actions

        _, applied = play(rules, seed, recording)
        assert [action for _, action in applied] == proposed
    plain = [step for step in rules.scenario.reference if step.when is None]
    _, applied = play(rules, 0, make_policy("reference", rules, 0))
    assert len(applied) >= len(plain)


# -- Ravi's Tuesday reproduces the seed's numbers -------------------------------------------


def _first_eval(rules: Rules, seed: int) -> State:
    """A game in which the player only evaluates the production model at 09:00."""
    eval_job = next(j.id for j in rules.jobs if j.kind == "eval")
    start: list[Action] = [StartJob(job=eval_job, model=rules.scenario.production.model.id)]
    nothing: list[Action] = []
    state, _ = play(rules, seed, lambda s: start if s.clock.tick == 0 else nothing)
    return state


def test_ravi_blind_test_set_reads_087_and_hides_spanish() -> None:
    rules = rules_of(RAVI)
    spanish = rules.segment_index["es_cs"]
    reports = [_first_eval(rules, seed).results.evals[0] for seed in range(50)]
    assert all(r.tick == 1 for r in reports), "the first eval reads before 10:00"
    assert all(r.f1[spanish] is None for r in reports), "Spanish code-switching is not measured"
    f1 = statistics.mean(r.f1_mix for r in reports)
    hallucination = statistics.mean(r.hallucination for r in reports)
    assert f1 == pytest.approx(0.87, abs=0.006)
    assert hallucination == pytest.approx(2.1, abs=0.1)
    # The truth on the traffic mix is clearly lower: the aggregate hides the blind spot.
    spec = rules.scenario.production.model
    true_mix = sum(spec.f1[s.id] * s.traffic for s in rules.scenario.segments) / 100
    assert true_mix < f1 - 0.03
    assert spec.hallucination == 2.1


def test_ravi_escalations_match_the_briefing() -> None:
    rules = rules_of(RAVI)
    scenario = rules.scenario
    segments = rules.segments
    traffic = [s.traffic for s in scenario.segments]
    today = 100 * escalation_rate(
        rules, [scenario.production.model.f1[s] for s in segments], traffic
    )
    assert today == pytest.approx(17.6, abs=0.1)
    # The older model (F1 0.80 on every segment) escalated 20%: 12% fewer since the ship.
    yesterday = 100 * escalation_rate(rules, [0.80] * len(segments), traffic)
    assert yesterday == pytest.approx(20.0, abs=0.01)
    assert (yesterday - today) / yesterday == pytest.approx(0.12, abs=0.005)
    for figure in ("0.87", "2.1%", "20%", "17.6%", "12%", "500", "LoRA", "A/B"):
        assert figure in scenario.briefing, figure
    # The first half hour of production: expected escalations exactly, and what the
    # dashboard shows (with binomial noise) on average over seeds.
    shown = []
    for seed in range(50):
        state = new_game(rules, seed)
        advance(state, rules)
        counts = state.production.counts
        assert 100 * counts.escalations / counts.served == pytest.approx(today, abs=1e-9)
        shown.append(counts.last_rate_seen)
    assert statistics.mean(shown) == pytest.approx(17.6, abs=1.5)


def test_ravi_ab_test_can_only_see_large_effects() -> None:
    """A one-day A/B test can only detect large effects (Kohavi et al.); the plan's shows it."""
    results = [
        state.results.ab_tests[0]
        for state in games(RAVI, "reference")
        if state.results.ab_tests and state.results.ab_tests[0].n_candidate > 200
    ]
    assert len(results) >= 10
    assert statistics.mean(r.half_width for r in results) > 5.0
    assert sum(r.significant for r in results) < len(results) / 2


# -- Ravi's Tuesday's hazards teach without breaking the plan ------------------------------


def _lesson_titles(state: State, rules: Rules) -> set[str]:
    return {rules.scenario.debrief.lessons[i].title for i in lessons(state, rules)}


def test_ravi_outage_never_leaves_the_plans_ab_test_without_traffic() -> None:
    """The outage strikes in the morning: it may thin the plan's A/B test, never void it."""
    rules = rules_of(RAVI)
    outage = rules.event_index["api_outage"]
    states = games(RAVI, "reference")
    hit = [state for state in states if state.events.fired[outage]]
    assert 5 <= len(hit) <= 30, "the outage is a hazard of some days, not of all"
    for state in states:
        for result in state.results.ab_tests:  # an outage may overlap it, never swallow it
            assert result.n_candidate >= 10
        assert state.record.ab_tests_run == sum(r.kind == "ab_test" for r in state.jobs.runs)
    # In outage games the debrief explains fallbacks.
    for state in hit:
        assert "Outages happen; fallbacks decide what customers see" in _lesson_titles(state, rules)


def test_ravi_ab_test_inside_the_outage_gives_no_result() -> None:
    """A candidate A/B tested while the fallback answers learns nothing, and the debrief
    says why."""
    rules = rules_of(RAVI)
    # Train at 09:00 (before finance's freeze, done at 10:30), and A/B test the candidate
    # for two hours as soon as it exists with at least two hours of the outage to come.
    train: list[Action] = [StartJob(job="lora_es")]
    ab: list[Action] = [StartJob(job="ab_test", model="lora_es-1")]
    nothing: list[Action] = []

    def decide(state: State) -> list[Action]:
        if state.clock.tick == 0:
            return train
        trained = any(m.id == "lora_es-1" for m in state.models)
        tested = any(run.kind == "ab_test" for run in state.jobs.runs)
        return ab if trained and not tested and state.production.outage_left >= 2 else nothing

    swallowed = 0
    for seed in range(50):
        state, _ = play(rules, seed, decide)
        if not any(r.kind == "ab_test" for r in state.jobs.runs):
            continue
        swallowed += 1
        assert not state.results.ab_tests and state.record.ab_tests_run == 0
        assert "An A/B test with no traffic proves nothing" in _lesson_titles(state, rules)
    assert swallowed >= 3


def test_ravi_drift_is_seen_only_through_monitoring() -> None:
    rules = rules_of(RAVI)
    spanish = rules.segment_index["es_cs"]
    drift = rules.event_index["drift"]
    assert rules.scenario.events[drift].hidden
    drift_title = rules.scenario.events[drift].title
    for name, monitored in (("idle", False), ("reference", True)):
        for state in games(RAVI, name):
            assert state.events.fired[drift] == 1
            assert state.production.traffic[spanish] == pytest.approx(28.0)
            seen = player_view(state, rules).traffic["es_cs"]
            assert seen == pytest.approx(28.0 if monitored else 20.0), name
            assert all(drift_title not in line.text for line in state.log)


def test_ravi_full_fine_tune_lesson_follows_the_run_not_the_bill() -> None:
    """Starting the $4,000 run earns the lesson, even when it is stopped after $165."""
    rules = rules_of(RAVI)
    title = "The bill for a full fine-tune"
    start: list[Action] = [StartJob(job="full_ft")]
    stop: list[Action] = [StopJob(run="full_ft-1")]
    nothing: list[Action] = []
    state, applied = play(
        rules, 0, lambda s: start if s.clock.tick == 0 else stop if s.clock.tick == 1 else nothing
    )
    assert len(applied) == 2
    assert rules.scenario.budget - state.money.balance < 1000
    assert title in _lesson_titles(state, rules)
    assert all(title not in _lesson_titles(s, rules) for s in games(RAVI, "reference"))


# -- Ravi's Tuesday: measuring pays --------------------------------------------------------


def test_ravi_candidate_is_sometimes_truly_worse_and_the_evidence_catches_it() -> None:
    rules = rules_of(RAVI)
    lora = rules.job_index["lora_es"]
    worse = caught = 0
    for seed in SEEDS_200:  # over 50 seeds the share of worse days moves too much
        state = play(rules, seed, make_policy("reference", rules, seed))[0]
        model = evidence.newest_model(state, lora)
        if model is None:
            continue
        candidate, baseline = state.models[model], state.models[0]
        truly_worse = (
            fsum(
                (c - b) * t
                for c, b, t in zip(candidate.f1, baseline.f1, state.production.traffic, strict=True)
            )
            < 0
        )
        if truly_worse:
            worse += 1
            caught += evidence.measured_worse(state, model)
            assert state.production.model_index != model, (
                "the plan never ships what its evidence calls worse"
            )
    assert 0.1 * len(SEEDS_200) <= worse <= 0.5 * len(SEEDS_200), "some days, not most"
    assert caught >= 0.9 * worse


def test_ravi_shipping_what_the_evidence_calls_worse_costs_the_truth_and_the_gate() -> None:
    """On the days the plan keeps production because its eval caught a worse candidate,
    the ungated plan ships it and scores lower."""
    rules = rules_of(RAVI)
    lora = rules.job_index["lora_es"]
    kept = [
        seed
        for seed, state in enumerate(games(RAVI, "reference"))
        if (m := evidence.newest_model(state, lora)) is not None
        and evidence.eval_worse(state, m)
        and state.production.model_index == 0
    ]
    assert len(kept) >= 5
    losses = []
    for seed in kept:
        plan, careless = games(RAVI, "reference")[seed], games(RAVI, "ungated")[seed]
        assert careless.models[careless.production.model_index].id == "lora_es-1"
        assert careless.record.shipped_worse == 0  # never measured, so never "known" worse ...
        assert not score(careless, rules).goals["gated_rollout"]  # ... and never gated
        losses.append(score(plan, rules).total - score(careless, rules).total)
    assert statistics.mean(losses) >= 60


def test_ravi_gate_goal_refuses_a_model_measured_worse() -> None:
    rules = rules_of(RAVI)
    check = next(c for g, c in rules.goals if g.id == "gated_rollout")
    shipped = [s for s in games(RAVI, "reference") if s.record.shipped == 1]
    assert shipped and all(check(s) for s in shipped)
    clone = copy.deepcopy(shipped[0])
    clone.record.shipped_worse = 1
    assert not check(clone)


SEEDS_200 = range(200)


@cache
def balance() -> dict[str, float]:
    """Mean scores over seeds 0-199: the reference, and its own recorded action lists of
    seeds 0-2 replayed as fixed scripts (refused actions skipped), with and without every
    eval of a candidate and every A/B test."""
    rules = rules_of(RAVI)
    result = {"reference": statistics.fmean(_reference_scores(rules))}
    fixed, ungated = [], []
    for seed in range(3):
        script = timed(play(rules, seed, make_policy("reference", rules, seed))[1])
        fixed.append(_script_mean(rules, script))
        ungated.append(_script_mean(rules, _without_gate(rules, script)))
    result["fixed"] = max(fixed)
    result["ungated"] = max(ungated)
    return result


def _reference_scores(rules: Rules) -> list[int]:
    return [
        score(play(rules, seed, make_policy("reference", rules, seed))[0], rules).total
        for seed in SEEDS_200
    ]


def _script_mean(rules: Rules, script: list[TimedAction]) -> float:
    return statistics.fmean(
        score(replay_lenient(rules, seed, script).state, rules).total for seed in SEEDS_200
    )


def _without_gate(rules: Rules, script: list[TimedAction]) -> list[TimedAction]:
    def gate(action: Action) -> bool:
        if not isinstance(action, StartJob):
            return False
        kind = rules.job_kinds[rules.job_index[action.job]]
        return kind == "ab_test" or (kind == "eval" and action.model not in (None, "baseline"))

    return [step for step in script if not gate(step.action)]


def test_ravi_reading_the_evidence_beats_the_plans_own_fixed_scripts() -> None:
    figures = balance()
    assert figures["reference"] - figures["fixed"] >= 30


def test_ravi_scripts_without_evals_and_ab_tests_lose_clearly() -> None:
    figures = balance()
    assert figures["reference"] - figures["ungated"] >= 60


def test_ravi_readme_gives_the_measured_balance() -> None:
    text = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    figures = balance()
    for name, label in (("reference", "reference"), ("fixed", "fixed"), ("ungated", "ungated")):
        found = re.search(rf"{label}[^0-9]*?(\d+(?:\.\d)?) on the mean", text)
        assert found, f"scenarios/README.md gives the {label} mean"
        assert float(found.group(1)) == pytest.approx(figures[name], abs=0.05), label


# -- Ravi's Tuesday: the costliest mistakes cost, and the debrief names them ----------------

MISTAKES = {
    "accept_freeze": "The freeze cost you the afternoon's fine-tune",
    "hope": "You hoped the spike would be smaller",
    "no_spanish": "Nobody labeled Spanish",
    "ungated": "You shipped a model nobody had measured",
    "full_ft": "The bill for a full fine-tune",
    "fixed_split": "A typical week's split is not a plan for one day",
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_ravi_each_costly_mistake_costs_and_has_its_lesson(mistake: str) -> None:
    rules = rules_of(RAVI)
    title = MISTAKES[mistake]
    assert mean_score(RAVI, "reference") - mean_score(RAVI, mistake) >= 30, mistake
    shown = [title in _lesson_titles(state, rules) for state in games(RAVI, mistake)]
    assert sum(shown) >= 0.9 * len(shown), mistake
    assert not any(title in _lesson_titles(s, rules) for s in games(RAVI, "reference"))


def test_ravi_every_lesson_has_a_condition() -> None:
    assert all(lesson.when is not None for lesson in rules_of(RAVI).scenario.debrief.lessons)


def test_ravi_reference_shows_few_lessons_and_no_mistake() -> None:
    rules = rules_of(RAVI)
    for state in games(RAVI, "reference"):
        titles = _lesson_titles(state, rules)
        assert not titles & set(MISTAKES.values())
        assert "The evidence said worse, and you shipped it" not in titles


# -- Ravi's Tuesday: rules without loopholes, played out -------------------------------------


def _outage_seeds() -> list[int]:
    outage = rules_of(RAVI).event_index["api_outage"]
    return [
        seed for seed, state in enumerate(games(RAVI, "reference")) if state.events.fired[outage]
    ]


def test_ravi_staggering_the_promo_scores_no_lower_than_autoscaling_on_outage_days() -> None:
    """Two players alike but for the promo email, on the days of an outage: autoscaling
    serves the 10x hour on 20 GPUs, batches keep it within the fleet's headroom. Counted by
    conversations, the served spike padded the outage day and batches scored lower."""
    base = rules_of(RAVI).scenario
    # Marketing agrees to batches only with trust 60 or more: start well above it.
    rules = prepare(base.model_copy(update={"trust": base.trust.model_copy(update={"start": 85})}))
    outage = rules.event_index["api_outage"]
    research = Allocate(research=100, data=0, infra=0, writing=0)
    infra = Allocate(research=0, data=0, infra=100, writing=0)
    writing = Allocate(research=0, data=0, infra=0, writing=100)
    buy = Choose(event="build_buy_skip", choice="buy")  # half an hour of writing
    plans = {
        "autoscale": {0: [research], 5: [buy],
                      6: [Choose(event="promo_email", choice="autoscale"), infra],
                      7: [writing], 8: [research]},
        "stagger": {0: [research], 5: [buy],
                    6: [Choose(event="promo_email", choice="stagger"), writing],
                    8: [research]},
    }  # fmt: skip
    days = 0
    for seed in range(60):
        results = {}
        for name, plan in plans.items():

            def decide(state: State, plan: dict[int, list[Action]] = plan) -> list[Action]:
                return plan.get(state.clock.tick, [])

            state, applied = play(rules, seed, decide)
            assert len(applied) == sum(map(len, plan.values()))
            results[name] = (state, score(state, rules))
        if not results["autoscale"][0].events.fired[outage]:
            continue
        days += 1
        (auto_state, auto), (_, stagger) = results["autoscale"], results["stagger"]
        assert auto_state.events.fired[rules.event_index["traffic_spike"]] == 1
        assert stagger.served_percent == pytest.approx(auto.served_percent)
        assert stagger.total >= auto.total
        counts = auto_state.production.counts
        by_conversation = 100 * (counts.served + 0.5 * counts.degraded) / counts.total
        assert by_conversation > auto.served_percent + 1  # what the old rule would have read
    assert days >= 10


def test_ravi_hoping_the_spike_away_costs_reliability() -> None:
    rules = rules_of(RAVI)
    for plan, careless in zip(games(RAVI, "reference"), games(RAVI, "hope"), strict=True):
        assert score(careless, rules).parts["reliability"] < score(plan, rules).parts["reliability"]


def test_ravi_honest_status_updates_pay_for_their_hours() -> None:
    rules = rules_of(RAVI)
    gains = [
        score(games(RAVI, "reference")[seed], rules).total
        - score(games(RAVI, "no_status")[seed], rules).total
        for seed in _outage_seeds()
    ]
    assert statistics.mean(gains) >= 10


def _first_outage(rules: Rules, seeds: range) -> list[tuple[int, int]]:
    """(seed, boundary the outage struck at) for the idle games it struck."""
    outage = rules.event_index["api_outage"]
    return [
        (seed, state.events.last_fired[outage])
        for seed, state in zip(seeds, games(RAVI, "idle"), strict=False)
        if state.events.fired[outage]
    ]


def _answering_outage(choice: str | None, at: int, extra: list[Action]) -> Decide:
    """A player who answers the outage at its boundary (or lets it wait) and does `extra`
    there too; nothing else."""
    answer: list[Action] = [] if choice is None else [Choose(event="api_outage", choice=choice)]
    nothing: list[Action] = []
    return lambda state: [*answer, *extra] if state.clock.tick == at else nothing


def test_ravi_support_left_in_the_dark_loses_trust_by_the_hour() -> None:
    """Silence costs trust an hour into the outage and every hour after, not all at once;
    a status update stops it. The old rule took 3 points at the moment the outage was let
    wait, and nothing after."""
    rules = rules_of(RAVI)
    silence = rules.event_index["outage_silence"]
    writing = Allocate(research=0, data=0, infra=0, writing=100)
    struck = _first_outage(rules, SEEDS)
    assert len(struck) >= 10
    for seed, at in struck:
        quiet, _ = play(rules, seed, _answering_outage(None, at, []))
        told, _ = play(rules, seed, _answering_outage("status_update", at, [writing]))
        title = rules.events[silence].title
        fired_at = [
            line.tick
            for line in quiet.log
            if line.code == "event.fired" and line.values["title"] == title
        ]
        assert quiet.events.fired[silence] == 2, seed
        assert [(tick - at) * rules.tick_hours for tick in fired_at] == [1.0, 2.0], seed
        assert told.events.fired[silence] == 0, seed
        assert "Support heard of the outage from customers" in _lesson_titles(quiet, rules)
        assert "Support heard of the outage from customers" not in _lesson_titles(told, rules)


def test_ravi_the_outages_answers_each_buy_what_they_say() -> None:
    """Answered with the fallback built at once or with the FAQ cache switched on by hand,
    the rest of the outage fails far less than when it is left to wait."""
    rules = rules_of(RAVI)
    infra = Allocate(research=0, data=0, infra=100, writing=0)
    for seed, at in _first_outage(rules, SEEDS):
        served = {}
        for choice in ("wait", "fallback", "cached_answers"):
            state, applied = play(rules, seed, _answering_outage(choice, at, [infra]))
            assert len(applied) == 2, (seed, choice)
            counts = state.production.counts
            served[choice] = (counts.degraded, counts.failed)
        for choice in ("fallback", "cached_answers"):
            degraded, failed = served[choice]
            assert degraded > served["wait"][0] + 50 and failed < served["wait"][1] - 50, choice


def test_ravi_an_outage_never_empties_the_reliability_part() -> None:
    """On an outage morning the idle player's service level stays inside the band, so
    the promo hour it hoped through still costs there: with the old band (50% to 98%) an
    unanswered outage scored zero, whatever else happened that day."""
    rules = rules_of(RAVI)
    autoscale: list[Action] = [QueueTask(task="autoscaling")]
    nothing: list[Action] = []
    for seed, _ in _first_outage(rules, SEEDS):
        idle = score(games(RAVI, "idle")[seed], rules)
        served, _ = play(rules, seed, lambda s: autoscale if s.clock.tick == 0 else nothing)
        assert idle.served_percent > rules.scenario.score.served.floor
        assert idle.parts["reliability"] > 0
        assert score(served, rules).parts["reliability"] >= idle.parts["reliability"] + 40


def test_ravi_the_invented_refund_policy_costs_trust_not_service() -> None:
    """The made-up policy in public is a failure of what the bot says: it costs trust, and
    it is not an incident of service that would cut the reliability part."""
    rules = rules_of(RAVI)
    hallucination = rules.event_index["hallucination_incident"]
    hit = [s for s in games(RAVI, "reference") if s.events.fired[hallucination]]
    assert hit
    for state in hit:
        assert not any("refund" in incident for incident in state.production.incidents)


def test_ravi_greedy_random_and_idle_do_not_come_near_the_plan() -> None:
    plan = mean_score(RAVI, "reference")
    assert mean_score(RAVI, "idle") < 400
    for name in ("greedy", "random", "idle"):
        assert mean_score(RAVI, name) <= plan - 150, name


# -- The tutorial -------------------------------------------------------------------------


def test_tutorial_reference_scores_800_plus() -> None:
    assert mean_score(TUTORIAL, "reference") >= 800


def test_tutorial_doing_nothing_costs() -> None:
    """An idle afternoon scores under 400: the newsletter it let go out with no fix live
    makes the weak language weigh more, and its complaints climb while nobody answers them.
    Following the events stays clear of both, and every simple player stays well behind it."""
    rules = rules_of(TUTORIAL)
    assert mean_score(TUTORIAL, "idle") < 400
    for name in ("idle", "random", "greedy"):
        assert mean_score(TUTORIAL, name) <= mean_score(TUTORIAL, "reference") - 200, name
    complaints = [rules.event_index[e] for e in ("spanish_escalations", "bad_review")]
    assert all(all(s.events.fired[e] for e in complaints) for s in games(TUTORIAL, "idle"))
    assert not any(s.events.fired[e] for e in complaints for s in games(TUTORIAL, "reference"))


# -- Every event fires somewhere ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "players"),
    [(RAVI, RAVI_PLAYERS), (TUTORIAL, TUTORIAL_PLAYERS)],
    ids=["ravi-tuesday", "tutorial"],
)
def test_every_event_fires_in_some_game(path: Path, players: tuple[str, ...]) -> None:
    rules = rules_of(path)
    fired = [0] * len(rules.events)
    for name in players:
        for state in games(path, name):
            for index, count in enumerate(state.events.fired):
                fired[index] += count
    never = [event.id for event, count in zip(rules.events, fired, strict=True) if not count]
    assert not never, f"events that never fired: {never}"
