"""Production: the shipped model serves traffic every tick.

Escalations follow from true quality on the traffic mix, hallucinations from the true
hallucination rate. An upstream outage fails requests unless a fallback path serves them
(degraded); a traffic spike beyond the fleet's headroom times requests out unless
autoscaling adds GPUs (billed per GPU-hour).
"""

from __future__ import annotations

import math

from game.core import ledger
from game.core.effects import record_incident
from game.core.evals import escalation_rate
from game.core.log import note
from game.core.rules import AUTOSCALE_MAX, FALLBACK_SHARE, Rules
from game.core.state import RUNNING, JobRun, State
from game.scenario.model import ABTestJob


def _ab_run(state: State) -> JobRun | None:
    for run in state.runs:
        if run.kind == "ab_test" and run.status == RUNNING:
            return run
    return None


def _capacity(state: State, rules: Rules) -> tuple[float, float]:
    """The traffic multiple the fleet absorbs, and the multiple of GPUs it runs."""
    headroom = rules.serving.headroom
    if state.spike > 1.0 and state.infra[3] > 0:
        scale = min(state.spike, AUTOSCALE_MAX[state.infra[3]])
        return max(headroom, scale), scale
    return headroom, 1.0


def serve(state: State, rules: Rules, hours: float) -> None:
    """Serve one tick of traffic and bill serving and API costs.

    A spike that ends inside the tick multiplies only the part of the tick it covers.
    """
    counts = state.traffic_counts
    per_hour = rules.serving.conversations_per_hour
    spiked_hours = min(hours, state.spike_left) if state.spike > 1.0 else 0.0
    calm_hours = hours - spiked_hours
    spiked = per_hour * state.spike * spiked_hours
    demand = spiked + per_hour * calm_hours
    counts.total += demand

    capacity, scale = _capacity(state, rules)
    gpu_hours = scale * spiked_hours + calm_hours
    ledger.spend(state, ledger.SERVING, rules.serving.gpu_dollars_per_hour * gpu_hours)
    failed = 0.0
    if state.spike > capacity and spiked_hours > 0:
        failed = spiked * (1.0 - capacity / state.spike)
        state.latency_factor = state.spike / capacity
        if not state.overload_reported:
            state.overload_reported = True
            record_incident(state, rules, f"a {state.spike:g}x traffic spike timed requests out")
    else:
        state.latency_factor = 1.0
    answered = demand - failed

    if state.outage_left > 0:
        affected = answered * min(hours, state.outage_left) / hours
        degraded = affected * FALLBACK_SHARE[state.infra[2]]
        failed += affected - degraded
        counts.degraded += degraded
        answered -= affected
        state.outage_left = max(0.0, state.outage_left - hours)
    counts.failed += failed
    counts.served += answered

    _answer(state, rules, answered)

    if state.spike_left > 0:
        state.spike_left = max(0.0, state.spike_left - hours)
        if state.spike_left == 0:
            state.spike = 1.0
            state.latency_factor = 1.0
            note(state, "ops", "Traffic is back to normal.")


def _answer(state: State, rules: Rules, answered: float) -> None:
    """Escalations, hallucinations and API cost of the conversations answered by a model."""
    counts = state.traffic_counts
    model = state.models[state.prod]
    rate = escalation_rate(rules, model.f1, state.traffic)
    hallucination = model.hallucination
    api = model.cost_per_request
    ab = _ab_run(state)
    if ab is not None:
        spec = rules.jobs[ab.job]
        assert isinstance(spec, ABTestJob)
        share = spec.share / 100.0
        candidate = state.models[ab.model]
        ab.requests_candidate += answered * share
        ab.requests_control += answered * (1.0 - share)
        candidate_rate = escalation_rate(rules, candidate.f1, state.traffic)
        rate += (candidate_rate - rate) * share
        hallucination += (candidate.hallucination - hallucination) * share
        api += (candidate.cost_per_request - api) * share
    escalations = answered * rate
    counts.escalations += escalations
    counts.hallucinations += answered * hallucination / 100.0
    ledger.spend(state, ledger.API, answered * api)

    spread = math.sqrt(max(escalations * (1.0 - rate), 0.0))
    seen = max(0.0, escalations + spread * float(state.rng.standard_normal()))
    counts.escalations_seen += seen
    counts.last_rate_seen = 100.0 * seen / answered if answered > 0 else 0.0
