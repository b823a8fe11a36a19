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


def _ab_run(state: State) -> JobRun | None:
    for run in state.runs:
        if run.kind == "ab_test" and run.status == RUNNING:
            return run
    return None


def serve(state: State, rules: Rules, hours: float) -> None:
    """Serve one tick of traffic and bill serving and API costs."""
    prod_spec = rules.scenario.production
    counts = state.traffic_counts
    demand = prod_spec.conversations_per_hour * state.spike * hours
    counts.total += demand

    capacity = prod_spec.serving.headroom
    scale = 1.0
    if state.spike > 1.0 and state.infra[3] > 0:
        scale = min(state.spike, AUTOSCALE_MAX[state.infra[3]])
        capacity = max(capacity, scale)
    timed_out = demand * (1.0 - capacity / state.spike) if state.spike > capacity else 0.0
    state.latency_factor = max(1.0, state.spike / capacity)
    ledger.spend(
        state, ledger.SERVING, prod_spec.serving.gpus * prod_spec.serving.gpu_price * scale * hours
    )
    if timed_out > 0 and not state.overload_reported:
        state.overload_reported = True
        record_incident(state, rules, f"a {state.spike:g}x traffic spike timed requests out")

    answered = demand - timed_out
    degraded = 0.0
    failed = timed_out
    if state.outage_left > 0:
        share_fallback = FALLBACK_SHARE[state.infra[2]]
        down_hours = min(hours, state.outage_left)
        affected = answered * down_hours / hours
        degraded = affected * share_fallback
        failed += affected - degraded
        answered -= affected
        state.outage_left = max(0.0, state.outage_left - hours)
    counts.failed += failed
    counts.degraded += degraded
    counts.served += answered

    ab = _ab_run(state)
    model = state.models[state.prod]
    rate = escalation_rate(rules, model.f1, state.traffic)
    halluc = model.hallucination
    api = model.cost_per_request
    if ab is not None:
        share = rules.jobs[ab.job].share / 100.0  # type: ignore[union-attr]
        candidate = state.models[ab.model]
        ab.requests_candidate += answered * share
        ab.requests_control += answered * (1.0 - share)
        rate = rate * (1 - share) + escalation_rate(rules, candidate.f1, state.traffic) * share
        halluc = halluc * (1 - share) + candidate.hallucination * share
        api = api * (1 - share) + candidate.cost_per_request * share
    escalations = answered * rate
    counts.escalations += escalations
    counts.hallucinations += answered * halluc / 100.0
    ledger.spend(state, ledger.API, answered * api)

    noise = math.sqrt(max(answered * rate * (1.0 - rate), 0.0)) * float(state.rng.standard_normal())
    seen = max(0.0, escalations + noise)
    counts.escalations_seen += seen
    counts.last_rate_seen = 100.0 * seen / answered if answered > 0 else 0.0

    if state.spike_left > 0:
        state.spike_left = max(0.0, state.spike_left - hours)
        if state.spike_left == 0:
            state.spike = 1.0
            state.latency_factor = 1.0
            note(state, "ops", "Traffic is back to normal.")
