"""Production: the shipped model serves traffic every tick.

Escalations follow from true quality on the traffic mix, hallucinations from the true
hallucination rate. An upstream outage fails requests unless a fallback path serves them
(degraded); a traffic spike beyond the fleet's headroom times requests out unless
autoscaling adds GPUs (billed per GPU-hour). The service level is counted by time, not by
conversation (:func:`service_hours`), so a spike cannot pad it.
"""

from __future__ import annotations

import math
from math import fsum

from game.core.effects import record_incident, segment_names
from game.core.evals import escalation_rate
from game.core.ledger import API, SERVING, spend
from game.core.log import note
from game.core.rules import (
    AUTOSCALE_MAX,
    RELIABILITY_BASELINE,
    Rules,
)
from game.core.state import AUTOSCALING, FALLBACK, ModelRecord, State


def _capacity(state: State, rules: Rules) -> tuple[float, float]:
    """The traffic multiple the fleet absorbs, and the multiple of GPUs it runs."""
    headroom = rules.serving.headroom
    level = state.infra[AUTOSCALING]
    spike = state.production.spike
    if spike > 1.0 and level > 0:
        scale = min(spike, AUTOSCALE_MAX[level])
        return max(headroom, scale), scale
    return headroom, 1.0


def model_escalation(state: State, rules: Rules, model: ModelRecord) -> float:
    """The model's true escalation share on the current traffic mix, kept on the model.

    Production reads it every tick; it changes only when the mix drifts.
    """
    production = state.production
    if model.escalation_mix != production.mix_changes:
        model.escalation = escalation_rate(rules, model.f1, production.traffic)
        model.escalation_mix = production.mix_changes
    return model.escalation


def serve(state: State, rules: Rules, hours: float) -> None:
    """Serve one tick of traffic and bill serving and API costs.

    Demand, failures and the serving bill come from :func:`_answer`; then the answered
    conversations escalate, hallucinate and cost API fees by production's model, mixed
    with the candidate's while an A/B test runs. A spike that ends inside the tick
    multiplies only the part of the tick it covers.
    """
    production = state.production
    counts = production.counts
    answered = _answer(state, rules, hours)

    model = state.models[production.model_index]
    # The share is worked out again only when the mix has drifted since it was kept.
    if model.escalation_mix == production.mix_changes:
        rate = model.escalation
    else:
        rate = model_escalation(state, rules, model)
    hallucination = model.hallucination
    api = model.cost_per_request
    if state.jobs.ab_test is not None:
        ab = state.jobs.runs[state.jobs.ab_test]
        share = rules.ab_share[ab.job_index]
        assert ab.model_index is not None
        candidate = state.models[ab.model_index]
        ab.requests_candidate += answered * share
        ab.requests_control += answered * (1.0 - share)
        rate += (model_escalation(state, rules, candidate) - rate) * share
        hallucination += (candidate.hallucination - hallucination) * share
        api += (candidate.cost_per_request - api) * share
    escalations = answered * rate
    counts.escalations += escalations
    counts.hallucinations += answered * hallucination / 100.0
    spend(state, API, answered * api)

    # The dashboard's count is noisy: a normal drawn for this tick.
    variance = max(escalations * (1.0 - rate), 0.0)
    noise = math.sqrt(variance) * state.luck.normal("dashboard", state.clock.tick)
    seen = max(escalations + noise, 0.0)
    counts.escalations_seen += seen
    counts.last_rate_seen = 100.0 * seen / answered if answered > 0.0 else 0.0

    if production.spike_left > 0.0:
        production.spike_left = max(production.spike_left - hours, 0.0)
        if production.spike_left == 0.0:
            production.spike = 1.0
            production.spike_scope = ""
            production.latency_factor = 1.0
            note(state, "ops", "traffic.normal")


def outage_answered(state: State, rules: Rules) -> float:
    """Share (0-1) of the conversations an upstream outage would fail that still get an
    answer: the fallback path's share, plus one percent per reliability point above 50
    (retries, timeouts and a warm cache), at most 99% (or the best fallback's share, when
    the scenario gives one that serves more)."""
    outage = rules.outage
    share = outage.fallback_shares[state.infra[FALLBACK]]
    extra = max((state.reliability - RELIABILITY_BASELINE) / 100.0, 0.0)
    return min(share + extra, outage.most_answered)


def _answer(state: State, rules: Rules, hours: float) -> float:
    """Demand, failures, the service level and the serving bill of a tick.

    Returns the conversations answered. A calm tick (no spike, no outage) answers every
    conversation asked for, on the fleet as it is; any other goes through
    :func:`_answer_disturbed`.
    """
    production = state.production
    if (
        production.spike > 1.0
        or production.outage_left > 0.0
        or any(production.segment_outage_left)
    ):
        return _answer_disturbed(state, rules, hours)
    counts = production.counts
    demand = rules.serving.conversations_per_hour * hours
    counts.total += demand
    spend(state, SERVING, rules.serving.gpu_dollars_per_hour * hours)
    counts.service_hours += hours
    counts.served += demand
    counts.hours += hours
    return demand


def _answer_disturbed(state: State, rules: Rules, hours: float) -> float:
    """Demand, failures, the service level and the serving bill of a tick with a spike or
    an outage.

    Returns the conversations answered. A spike beyond the fleet's capacity times out
    its excess; an outage fails what the fallback path does not answer. The service
    level is counted by time: each part of the tick counts the share of its
    conversations answered (a fallback answer counts half), so a spike's extra
    conversations weigh no more than any other minute's.
    """
    production = state.production
    counts = production.counts
    per_hour = rules.serving.conversations_per_hour
    spike = production.spike
    failed = 0.0
    spiked_hours = 0.0
    spike_level = 1.0
    production.latency_factor = 1.0
    gpu_hours = hours
    demand = per_hour * hours
    if spike > 1.0:
        spiked_hours = min(production.spike_left, hours)
        calm_hours = hours - spiked_hours
        spiked = per_hour * spike * spiked_hours
        demand = spiked + per_hour * calm_hours
        capacity, scale = _capacity(state, rules)
        gpu_hours = scale * spiked_hours + calm_hours
        if spike > capacity and spiked_hours > 0.0:
            failed = spiked * (1.0 - capacity / spike)
            spike_level = capacity / spike
            production.latency_factor = spike / capacity
            if not production.overload_reported:
                production.overload_reported = True
                record_incident(state, rules, _overload(production.spike_scope, spike, rules))
    counts.total += demand
    spend(state, SERVING, rules.serving.gpu_dollars_per_hour * gpu_hours)
    answered = demand - failed
    reached = answered

    down = 0.0
    outage_level = 1.0
    if production.outage_left > 0.0:
        down = min(production.outage_left, hours)
        affected = answered * down / hours
        share = outage_answered(state, rules)
        degraded = affected * share
        outage_level = 0.5 * share
        failed += affected - degraded
        counts.degraded += degraded
        answered -= affected
        production.outage_left = max(production.outage_left - hours, 0.0)
    if max(production.segment_outage_left) > 0.0:
        # Some segments are down on their own: their conversations beyond the outage of
        # all traffic fail or fall back, and the service level weighs each by its share.
        lost, fell_back, weighted = _segment_outages(state, rules, hours, reached, down)
        failed += lost
        counts.degraded += fell_back
        answered -= lost + fell_back
        counts.service_hours += fsum(
            weight * service_hours(hours, spiked_hours, spike_level, segment_down, level)
            for weight, segment_down, level in weighted
        )
    elif spiked_hours or down:
        counts.service_hours += service_hours(hours, spiked_hours, spike_level, down, outage_level)
    else:  # a calm tick: every hour of it served in full
        counts.service_hours += hours
    counts.failed += failed
    counts.served += answered
    counts.hours += hours
    return answered


def _overload(scope: str, spike: float, rules: Rules) -> str:
    """The incident of a spike that timed requests out, naming its segments if it had any."""
    if scope:
        return f"a {spike:g}x traffic spike ({scope} {rules.words.unit_many}) timed requests out"
    return f"a {spike:g}x traffic spike timed requests out"


def _segment_outages(
    state: State, rules: Rules, hours: float, reached: float, down: float
) -> tuple[float, float, list[tuple[float, float, float]]]:
    """The conversations failed and fallen back in the segments down on their own, beyond
    the ``down`` hours of an outage of all traffic, out of the ``reached`` conversations
    the fleet answered; and each segment's (weight, hours down, service level while down).
    """
    production = state.production
    share = outage_answered(state, rules)
    level = 0.5 * share
    lost = 0.0
    fell_back = 0.0
    weighted: list[tuple[float, float, float]] = []
    left = production.segment_outage_left
    back: list[str] = []
    for i, segment_left in enumerate(left):
        weight = production.traffic[i] / 100.0
        if segment_left <= 0.0:
            weighted.append((weight, down, level))
            continue
        segment_down = max(min(segment_left, hours), down)
        affected = reached * weight * (segment_down - down) / hours
        fell_back += affected * share
        lost += affected * (1.0 - share)
        left[i] = max(segment_left - hours, 0.0)
        if left[i] == 0.0:
            back.append(rules.segments[i])
        weighted.append((weight, segment_down, level))
    if back:
        names = segment_names(rules, back)
        note(state, "ops", "outage.segments_back", segments=names, unit=rules.words.unit_many)
    return lost, fell_back, weighted


def service_hours(
    hours: float, spiked: float, spike_level: float, down: float, outage_level: float
) -> float:
    """A tick's hours weighted by the share of conversations answered in each part of it.

    The spike's ``spiked`` hours and the outage's ``down`` hours both run from the start
    of the tick; where they overlap both levels apply.
    """
    both = min(spiked, down)
    return (
        both * spike_level * outage_level
        + (spiked - both) * spike_level
        + (down - both) * outage_level
        + (hours - max(spiked, down))
    )
