"""Shared helpers: small scenarios built from Python dicts, games, snapshots.

Each test states the knobs it depends on: ``make_rules(jobs=[...], infra={...})`` starts
from :data:`BASE` (two segments, default production, no tasks, jobs or events) and
deep-merges the overrides (mappings merge key by key, lists and scalars replace).
"""

from __future__ import annotations

import copy
import dataclasses
import os
from typing import Any

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from game.core import engine
from game.core.rules import Rules, prepare
from game.core.state import State
from game.scenario.model import Scenario, validate_scenario

BASE: dict[str, Any] = {
    "title": "test",
    "budget": 10_000,
    "segments": [
        {"id": "en", "name": "English", "traffic": 80},
        {"id": "es", "name": "Spanish", "traffic": 20},
    ],
    "production": {"model": {"f1": {"en": 0.9, "es": 0.6}}},
    "score": {
        "weights": {
            "quality": 350,
            "safety": 100,
            "budget": 150,
            "reliability": 150,
            "trust": 250,
            "goals": 0,
        }
    },
}
"""The smallest useful scenario: 1 day of 8 hours in 30-minute ticks, $10,000, no goals."""

QUIET: dict[str, Any] = {
    "production": {
        "model": {"cost_per_request": 0},
        "serving": {"gpus": 0},
    },
    "background": {"research": 0, "data": 0, "infra": 0, "writing": 0},
    "context_switch": 0,
}
"""Overrides that make production free and background work yield nothing."""


def merge(base: Any, override: Any) -> Any:
    """Deep-merge: mappings merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def make_doc(*layers: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A raw scenario document: BASE, then each layer, then the keyword overrides."""
    doc: dict[str, Any] = copy.deepcopy(BASE)
    for layer in (*layers, overrides):
        doc = merge(doc, layer)
    return doc


def make_scenario(*layers: dict[str, Any], **overrides: Any) -> Scenario:
    """A validated scenario built from BASE and the overrides."""
    return validate_scenario(make_doc(*layers, **overrides))


def make_rules(*layers: dict[str, Any], **overrides: Any) -> Rules:
    """Prepared rules of a scenario built from BASE and the overrides."""
    return prepare(make_scenario(*layers, **overrides))


def quiet_rules(**overrides: Any) -> Rules:
    """Rules with free production, no background yield and no context-switch penalty."""
    return make_rules(QUIET, **overrides)


def ticks(state: State, rules: Rules, count: int) -> State:
    """Advance the clock ``count`` ticks."""
    for _ in range(count):
        engine.advance(state, rules)
    return state


def snapshot(state: State) -> dict[str, str]:
    """Every field of the state as exact text (floats by repr)."""
    return {f.name: repr(getattr(state, f.name)) for f in dataclasses.fields(state)}


RICH: dict[str, Any] = {
    "title": "rich",
    "budget": 5_000,
    "segments": [
        {"id": "en", "name": "English", "traffic": 70},
        {"id": "es", "name": "Spanish", "traffic": 20},
        {"id": "other", "name": "Other", "traffic": 10},
    ],
    "production": {
        "model": {"f1": {"en": 0.9, "es": 0.55, "other": 0.75}, "hallucination": 2.5},
        "serving": {"gpus": 1},
    },
    "data": {"labels": {"en": 1000, "es": 50}, "golden": {"en": 200, "other": 50}},
    "infra": {"checkpointing": 1, "monitoring": 1},
    "variables": {"pressure": 0},
    "tasks": [
        {"id": "label_es", "name": "Label Spanish", "category": "data", "hours": 2, "cost": 50,
         "effects": [{"labels": {"es": 400}}]},
        {"id": "golden_es", "name": "Spanish golden set", "category": "data", "hours": 1,
         "requires": 'done("label_es")', "effects": [{"golden": {"es": 100}}]},
        {"id": "fallback", "name": "Fallback path", "category": "infra", "hours": 2,
         "effects": [{"infra": {"fallback": 1}}]},
        {"id": "autoscale", "name": "Autoscaling", "category": "infra", "hours": 1.5,
         "effects": [{"infra": {"autoscaling": 1}}]},
        {"id": "paper", "name": "Read a paper", "category": "research", "hours": 1.5,
         "effects": [{"improve": {"job": "lora", "segment": "es", "ceiling": 0.03}}]},
        {"id": "doc", "name": "Model card", "category": "writing", "hours": 1,
         "effects": [{"trust": 5}, {"add": {"pressure": -1}}]},
        {"id": "calibrate", "name": "Calibrate judge", "category": "research", "hours": 1,
         "requires": "evals_run >= 1", "effects": [{"calibrate_judge": True}]},
    ],
    "jobs": [
        {"id": "lora", "kind": "training", "name": "LoRA", "hours": 2, "gpus": 1,
         "gpu_price": 4, "noise": 0.01, "hallucination": 2.0,
         "learning_curve": {"en": {"f1": 0.9, "at": 1000, "ceiling": 0.93},
                            "es": {"f1": 0.6, "at": 100, "ceiling": 0.88}},
         "collapse": {"per_hour": 0.15, "silent": 50}},
        {"id": "full", "kind": "training", "name": "Full fine-tune", "hours": 3, "gpus": 48,
         "gpu_price": 3.95, "requires": "labels.es >= 300",
         "learning_curve": {"es": {"f1": 0.65, "at": 100, "ceiling": 0.92}},
         "collapse": {"per_hour": 0.05, "silent": 80}},
        {"id": "ev", "kind": "eval", "name": "LLM-judge eval", "hours": 1, "cost": 20},
        {"id": "human_ev", "kind": "eval", "name": "Human eval", "hours": 1.5, "cost": 100,
         "judge": "human"},
        {"id": "vendor", "kind": "labeling", "name": "Vendor batch", "hours": 2,
         "segment": "es", "items": 300, "price_per_item": 0.1, "golden_share": 20},
        {"id": "ab", "kind": "ab_test", "name": "A/B test", "hours": 2, "share": 30, "cost": 10},
    ],
    "events": [
        {"id": "outage", "title": "Upstream outage", "text": "The API is down.",
         "trigger": {"chance_per_hour": 0.08, "repeat": True, "cooldown_hours": 3},
         "effects": [{"outage": 1}],
         "choices": [
             {"id": "wait", "text": "Wait", "default": True},
             {"id": "patch", "text": "Patch a fallback", "cost": 200, "hours": {"infra": 1},
              "effects": [{"infra": {"fallback": 1}}]},
         ]},
        {"id": "spike", "title": "Traffic spike", "text": "10x!",
         "trigger": {"mean_hours": 10}, "effects": [{"spike": {"multiplier": 10, "hours": 1}}]},
        {"id": "pm", "title": "The PM wants magic", "text": "Ship it today?",
         "trigger": {"at": 1},
         "choices": [
             {"id": "promise", "text": "Promise", "requires": "trust > 60",
              "outcomes": [
                  {"weight": 1, "text": "It worked", "effects": [{"trust": 10}]},
                  {"weight": 2, "text": "It did not", "effects": [{"incident": "broken promise"}]},
              ]},
             {"id": "explain", "text": "Explain the limits", "hours": {"writing": 1},
              "effects": [{"trust": 3}, {"add": {"pressure": 1}}]},
         ]},
        {"id": "drift", "title": "Drift", "text": "More Spanish.", "trigger": {"at": 4},
         "effects": [{"traffic": {"es": 10}}]},
        {"id": "news", "title": "A new paper", "text": "arXiv.",
         "trigger": {"chance_per_hour": 0.2, "repeat": True, "cooldown_hours": 2},
         "choices": [
             {"id": "skip", "text": "Skip"},
             {"id": "read", "text": "Read it", "hours": {"research": 0.5},
              "outcomes": [
                  {"weight": 1, "effects": [{"insight": 5}]},
                  {"weight": 1, "effects": [{"improve": {"job": "full", "ceiling": 0.02}}]},
              ]},
         ]},
        {"id": "compute", "title": "Compute negotiation", "text": "Finance calls.",
         "trigger": {"when": "spent > 600"},
         "choices": [
             {"id": "pay", "text": "Pay for reserved GPUs", "cost": 300,
              "effects": [{"money": 100}, {"start_job": "lora"}]},
             {"id": "refuse", "text": "Refuse", "effects": [{"queue": "doc"}]},
         ]},
        {"id": "halluc", "title": "Hallucination incident", "text": "A bad answer.",
         "trigger": {"when": "prod.hallucination > 3"},
         "effects": [{"incident": "hallucinated refund policy"}, {"message": "Ouch."}]},
    ],
    "goals": [
        {"id": "spanish", "text": "Spanish F1 above 0.7", "when": "prod.f1.es > 0.7"},
        {"id": "calm", "text": "No incidents", "when": "incidents == 0", "points": 50},
        {"id": "solvent", "text": "Money left", "when": "money > 0", "points": 50},
    ],
    "debrief": {
        "lessons": [
            {"title": "Blind spot", "text": "...", "when": "golden.es == 0"},
            {"title": "Always", "text": "..."},
        ],
    },
    "reference": [
        {"at": 0, "do": "allocate", "research": 10, "data": 60, "infra": 20, "writing": 10},
        {"at": 0, "do": "queue_task", "task": "label_es"},
        {"at": 0, "do": "queue_task", "task": "fallback"},
        {"at": 1, "do": "choose", "event": "pm", "choice": "explain"},
        {"at": 2.5, "do": "start_job", "job": "lora"},
        {"at": 4.5, "do": "queue_task", "task": "golden_es"},
        {"at": 5, "do": "start_job", "job": "human_ev", "model": "lora-1"},
        {"at": 6.5, "do": "ship", "model": "lora-1"},
    ],
}  # fmt: skip
"""A scenario that uses every system: for engine, policy and property tests."""


def rich_rules(**overrides: Any) -> Rules:
    """Prepared rules of :data:`RICH` with overrides merged in."""
    return prepare(validate_scenario(merge(copy.deepcopy(RICH), overrides)))
