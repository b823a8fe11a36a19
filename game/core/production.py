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
from game.core.ledger import API, SERVING
from game.core.log import note
from game.core.rules import (
    AUTOSCALE_MAX,
    RELIABILITY_BASELINE,
    Rules,
)
from game.core.state import ModelRecord, State
from game.scenario.model import ABTestJob


def _capacity(state: State, rules: Rules) -> tuple[float, float]:
    """The traffic multiple the fleet absorbs, and the multiple of GPUs it runs."""
    headroom = rules.serving.headroom
    if state.spike > 1.0 and state.infra[3] > 0:
        # min(spike, most) and max(headroom, scale), spelled out (they run every tick)
        most = AUTOSCALE_MAX[state.infra[3]]
        scale = most if most < state.spike else state.spike
        return (scale if scale > headroom else headroom), scale
    return headroom, 1.0


def model_escalation(state: State, rules: Rules, model: ModelRecord) -> float:
    """The model's true escalation share on the current traffic mix, kept on the model.

    Production reads it every tick; it changes only when the mix drifts.
    """
    rate = escalation_rate(rules, model.f1, state.traffic)
    model.escalation = rate
    model.escalation_mix = state.traffic_mix
    return rate


def serve(state: State, rules: Rules, hours: float) -> None:
    """Serve one tick of traffic and bill serving and API costs.

    A tick with a spike or an outage goes through :func:`_serve_troubled`. A spike that
    ends inside the tick multiplies only the part of the tick it covers.
    """
    counts = state.traffic_counts
    serving = rules.serving
    ledger = state.ledger
    if state.spike > 1.0 or state.outage_left > 0.0 or max(state.segment_outage_left) > 0.0:
        answered = _serve_troubled(state, rules, hours)
    else:  # a calm tick: the formulas below with no spike and no outage, which give these
        answered = serving.conversations_per_hour * hours
        state.latency_factor = 1.0
        counts.total += answered
        dollars = serving.gpu_dollars_per_hour * hours
        if dollars:
            state.money -= dollars
            ledger[SERVING] = ledger.get(SERVING, 0.0) + dollars
        counts.served += answered
        counts.hours += hours
        counts.service_hours += hours

    # Escalations, hallucinations and API cost of the answered conversations: production's
    # model, mixed with the candidate's while an A/B test runs.
    models = state.models
    model = models[state.prod]
    rate = model.escalation
    if model.escalation_mix != state.traffic_mix:
        rate = model_escalation(state, rules, model)
    hallucination = model.hallucination
    api = model.cost_per_request
    if state.ab_run >= 0:
        ab = state.runs[state.ab_run]
        spec = rules.jobs[ab.job]
        assert isinstance(spec, ABTestJob)
        share = spec.share / 100.0
        candidate = models[ab.model]
        ab.requests_candidate += answered * share
        ab.requests_control += answered * (1.0 - share)
        candidate_rate = candidate.escalation
        if candidate.escalation_mix != state.traffic_mix:
            candidate_rate = model_escalation(state, rules, candidate)
        rate += (candidate_rate - rate) * share
        hallucination += (candidate.hallucination - hallucination) * share
        api += (candidate.cost_per_request - api) * share
    escalations = answered * rate
    counts.escalations += escalations
    counts.hallucinations += answered * hallucination / 100.0
    dollars = answered * api
    if dollars:
        state.money -= dollars
        ledger[API] = ledger.get(API, 0.0) + dollars

    # The dashboard's count is noisy: a normal drawn for this tick.
    variance = max(escalations * (1.0 - rate), 0.0)
    seen = max(escalations + math.sqrt(variance) * state.luck.normal("dashboard", state.tick), 0.0)
    counts.escalations_seen += seen
    counts.last_rate_seen = 100.0 * seen / answered if answered > 0.0 else 0.0

    if state.spike_left > 0.0:
        left = state.spike_left - hours
        state.spike_left = left if left > 0.0 else 0.0  # max(0.0, left), spelled out
        if state.spike_left == 0.0:
            state.spike = 1.0
            state.spike_scope = ""
            state.latency_factor = 1.0
            note(state, "ops", "Traffic is back to normal.")


def outage_answered(state: State, rules: Rules) -> float:
    """Share (0-1) of the conversations an upstream outage would fail that still get an
    answer: the fallback path's share, plus one percent per reliability point above 50
    (retries, timeouts and a warm cache), at most 99% (or the best fallback's share, when
    the scenario gives one that serves more)."""
    outage = rules.outage
    share = outage.fallback_shares[state.infra[2]]
    extra = (state.reliability - RELIABILITY_BASELINE) / 100.0
    if extra > 0.0:
        share += extra
    return min(share, outage.most_answered)


def _serve_troubled(state: State, rules: Rules, hours: float) -> float:
    """Demand, failures, the service level and the serving bill of a tick with a spike or
    an outage.

    Returns the conversations answered. The service level is counted by time: each part
    of the tick counts the share of its conversations answered (a fallback answer counts
    half), so a spike's extra conversations weigh no more than any other minute's.
    """
    counts = state.traffic_counts
    serving = rules.serving
    per_hour = serving.conversations_per_hour
    failed = 0.0
    spiked_hours = 0.0
    spike_level = 1.0
    if state.spike > 1.0:
        spike_left = state.spike_left
        spiked_hours = spike_left if spike_left < hours else hours  # min(), spelled out
        calm_hours = hours - spiked_hours
        spiked = per_hour * state.spike * spiked_hours
        demand = spiked + per_hour * calm_hours
        capacity, scale = _capacity(state, rules)
        gpu_hours = scale * spiked_hours + calm_hours
        if state.spike > capacity and spiked_hours > 0.0:
            failed = spiked * (1.0 - capacity / state.spike)
            spike_level = capacity / state.spike
            state.latency_factor = state.spike / capacity
            if not state.overload_reported:
                state.overload_reported = True
                what = f"a {state.spike:g}x traffic spike timed requests out"
                if state.spike_scope:
                    what = (
                        f"a {state.spike:g}x traffic spike ({state.spike_scope} "
                        f"{rules.words.unit_many}) timed requests out"
                    )
                record_incident(state, rules, what)
        else:
            state.latency_factor = 1.0
    else:
        # No spike: the formulas above with no spiked hours, which give exactly these.
        demand = per_hour * hours
        gpu_hours = hours
        state.latency_factor = 1.0
    counts.total += demand
    # The two bills of every tick are booked as ledger.spend books them, written out here.
    ledger = state.ledger
    dollars = serving.gpu_dollars_per_hour * gpu_hours
    if dollars:
        state.money -= dollars
        ledger[SERVING] = ledger.get(SERVING, 0.0) + dollars
    answered = demand - failed
    reached = answered

    down = 0.0
    outage_level = 1.0
    if state.outage_left > 0.0:
        outage_left = state.outage_left
        down = outage_left if outage_left < hours else hours  # min(hours, outage_left)
        affected = answered * down / hours
        share = outage_answered(state, rules)
        degraded = affected * share
        outage_level = 0.5 * share
        failed += affected - degraded
        counts.degraded += degraded
        answered -= affected
        outage_left -= hours
        state.outage_left = outage_left if outage_left > 0.0 else 0.0  # max(0.0, ...)
    if max(state.segment_outage_left) > 0.0:
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
    else:
        counts.service_hours += service_hours(hours, spiked_hours, spike_level, down, outage_level)
    counts.failed += failed
    counts.served += answered
    counts.hours += hours
    return answered


def _segment_outages(
    state: State, rules: Rules, hours: float, reached: float, down: float
) -> tuple[float, float, list[tuple[float, float, float]]]:
    """The conversations failed and fallen back in the segments down on their own, beyond
    the ``down`` hours of an outage of all traffic, out of the ``reached`` conversations
    the fleet answered; and each segment's (weight, hours down, service level while down).
    """
    share = outage_answered(state, rules)
    level = 0.5 * share
    lost = 0.0
    fell_back = 0.0
    weighted: list[tuple[float, float, float]] = []
    left = state.segment_outage_left
    back: list[str] = []
    for i, segment_left in enumerate(left):
        weight = state.traffic[i] / 100.0
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
        note(state, "ops", f"The upstream API is back for {names} {rules.words.unit_many}.")
    return lost, fell_back, weighted


def service_hours(
    hours: float, spiked: float, spike_level: float, down: float, outage_level: float
) -> float:
    """A tick's hours weighted by the share of conversations answered in each part of it.

    The spike's ``spiked`` hours and the outage's ``down`` hours both run from the start
    of the tick; where they overlap both levels apply.
    """
    both = spiked if spiked < down else down
    return (
        both * spike_level * outage_level
        + (spiked - both) * spike_level
        + (down - both) * outage_level
        + (hours - (spiked if spiked > down else down))
    )
