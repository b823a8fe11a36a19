"""The career codex: what the job of a machine-learning engineer is, and how to get there.

Pages are plain data (a title and a body in pygame_gui's HTML subset: ``<b>``, ``<i>``,
``<br>``, and ``<a href='PAGE'>`` links to other pages). The codex scene shows them; the
debrief links each lesson that applied to the page it touches.

Scenario lessons carry no codex key, so the link is made here, by keywords: a lesson's
title counts three times as much as its text, each page has a list of words that belong
to it, the page with the most hits wins (ties go to the earlier page), and a lesson that
hits nothing goes to "the job". :func:`page_for_lesson` is that rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CodexPage:
    """One page of the codex."""

    id: str
    title: str
    body: str
    """pygame_gui HTML: paragraphs separated by <br><br>."""
    keywords: tuple[str, ...]
    """Words (lower case, matched at word starts) that mark a lesson as touching this page."""


def _html(*paragraphs: str) -> str:
    return "<br><br>".join(" ".join(p.split()) for p in paragraphs)


PAGES: tuple[CodexPage, ...] = (
    CodexPage(
        "job",
        "What the job is",
        _html(
            """<b>Fine-tune, evaluate, serve, monitor.</b> A machine-learning engineer takes a
            model that almost does the job, adapts it to the product's own data, finds out how
            good it really is, puts it in front of customers, and keeps watching it once it is
            there.""",
            """A typical day splits roughly <b>20% research</b> (reading a paper, trying an
            idea), <b>30% data</b> (finding, labeling and cleaning examples), <b>30% infra</b>
            (training runs, serving, the bill) and <b>20% writing</b> (explaining results and
            limits to the people who depend on them). The game's allocation panel is that
            split; the lesson's 20/30/30/20 preset is a fair place to start.""",
            """<b>Evals are where careers are made and broken.</b> Anyone can start a training
            run. Knowing whether the new model is better, for which customers, and by how much
            you can trust that number, is the part nobody else on the team can do for you.
            See <a href='evals'>measuring what matters</a>.""",
            """The rest of the codex: <a href='then_and_now'>then and now</a>, how the tools
            changed; <a href='hard_parts'>the hard parts</a>; and
            <a href='get_there'>how to get there</a>.""",
        ),
        ("career", "job", "day", "fine-tune, evaluate"),
    ),
    CodexPage(
        "then_and_now",
        "Then and now",
        _html(
            """The job moves fast. What took a team a quarter a few years ago takes one
            engineer an afternoon today, and the hard part moved with it.""",
            """<b>Training a classifier.</b> Then: weeks of labeling, then a model trained
            from scratch. Now: hours, by few-shot prompting a large model or by a LoRA
            fine-tune, which trains a small add-on instead of every weight (Hu et al., 2021,
            report 10,000 times fewer trainable parameters with quality on par).""",
            """<b>Deploying.</b> Then: a Docker image, a GPU machine and a web server you ran
            yourself. Now: one command (vLLM, serverless GPU).""",
            """<b>Monitoring.</b> Then: dashboards somebody had to look at. Now:
            eval-as-monitoring, where the same evals run on live traffic and drift triggers
            retraining.""",
            """<b>Evaluation.</b> Then: one number on one held-out set. Now: rubric-based
            LLM judges, calibrated against people, plus golden sets per kind of customer.""",
            """<b>Scaling.</b> Then: provisioning instances ahead of demand. Now: serverless
            GPUs that scale themselves, and a bill that arrives at the end of the month.""",
            """What did not change: a number is only as good as the examples behind it.
            See <a href='evals'>measuring what matters</a>.""",
        ),
        ("lora", "serverless", "deploy", "full fine-tune", "bill", "gpu"),
    ),
    CodexPage(
        "hard_parts",
        "The hard parts",
        _html(
            """<b>Choosing the right problem.</b> Build, buy or skip: build what makes the
            product different, buy what is sold by the call, skip what nobody needs yet.""",
            """<b>Designing an eval that measures what matters.</b> Most do not: they average
            over the customers the test set happens to contain. See
            <a href='evals'>measuring what matters</a>.""",
            """<b>Explaining a model's limits to a product manager.</b> With numbers and error
            bars, before launch. A promise no eval supports is borrowed trust.""",
            """<b>Debugging a run that failed silently.</b> A training run can collapse after
            12 hours and thousands of dollars of GPU and still report progress. Loss and eval
            alerts find it; checkpoints only limit what is lost; rerunning the same setup
            buys the same collapse.""",
            """<b>Negotiating compute.</b> GPUs are shared and billed; the cheap experiment
            that answers the question beats the expensive one that might.""",
            """<b>Reading a paper and deciding what to take from it.</b> Most of a paper is
            not for you; the trick is finding the part that is.""",
            """<b>Designing a system that degrades gracefully</b> when an API it depends on
            goes down: a fallback to a smaller model turns an outage into slower answers
            instead of failed ones, from the moment it exists.""",
        ),
        (
            "collapse",
            "run",
            "outage",
            "fallback",
            "promise",
            "magic",
            "limit",
            "commodity",
            "build",
            "buy",
            "paper",
            "compute",
        ),
    ),
    CodexPage(
        "evals",
        "Measuring what matters",
        _html(
            """<b>You never see the truth, only measurements of it.</b> That is the game's
            central rule, and the job's. A model's true quality shows up in the debrief; on
            the day, all you have is what your evals say.""",
            """<b>Golden sets per segment.</b> A kind of customer with no golden examples is a
            kind of customer you are guessing about: the average simply leaves it out and
            looks better than the truth.""",
            """<b>Error bars.</b> A score on n examples is a sample. The 95% interval of a
            proportion p is about 1.96 x sqrt(p(1-p)/n): on 50 examples at 0.76 that is
            +-12 points; forty examples are an anecdote, not a measurement.""",
            """<b>Compare like with like.</b> A new model measured on a new golden set is
            compared with production measured on the same set, never with yesterday's
            number.""",
            """<b>Judges need calibrating.</b> An LLM judge agreed with experts about as often
            as experts agree with each other in one large study (Zheng et al., 2023), but it
            has biases (answer order, length, its own style) that only a comparison with
            human labels reveals.""",
            """<b>A/B tests see only large effects in a day.</b> Telling an escalation rate of
            20% from 18% takes thousands of conversations per arm (Kohavi et al., 2020); a
            short test can rule out a disaster, not prove a small win.""",
        ),
        (
            "eval",
            "measur",
            "golden",
            "examples",
            "a/b",
            "test",
            "spanish",
            "compare",
            "interval",
            "anecdote",
            "shipped",
        ),
    ),
    CodexPage(
        "get_there",
        "How to get there",
        _html(
            """<b>The foundations.</b> Calculus (how a model learns), statistics (how sure a
            measurement is: every error bar in this game) and computer science (how to build
            systems that stay up).""",
            """<b>A degree helps.</b> An ML-heavy degree gives you the foundations and the
            vocabulary; it is a common way in, not the only one.""",
            """<b>A portfolio beats credentials.</b> Reproduce papers and write up what you
            found, including what did not reproduce. Fine-tune small models on problems you
            care about, evaluate them honestly, and publish the evals with the error bars.
            Shipped projects show what a certificate cannot.""",
            """<b>Relearn the stack every 18 months.</b> The tools in
            <a href='then_and_now'>then and now</a> will change again. What lasts is the habit
            of measuring before you believe, and of explaining what you measured.""",
        ),
        ("degree", "portfolio", "learn", "course"),
    ),
)

PAGE_IDS = tuple(page.id for page in PAGES)
DEFAULT_PAGE = "job"
TITLE_WEIGHT = 3


LINK = re.compile(r"<a href='([^']+)'>(.*?)</a>", re.DOTALL)


def links(page_id: str) -> list[tuple[str, str]]:
    """The pages a page links to, as (page id, the link's words), each once, in the order
    of the text."""
    found: dict[str, str] = {}
    for target, words in LINK.findall(page(page_id).body):
        found.setdefault(target, " ".join(re.sub(r"<[^>]+>", "", words).split()))
    return list(found.items())


def page(page_id: str) -> CodexPage:
    """The page with this id; KeyError naming the known ids otherwise."""
    for candidate in PAGES:
        if candidate.id == page_id:
            return candidate
    raise KeyError(f"no codex page {page_id!r}; pages: {', '.join(PAGE_IDS)}")


def _hits(keyword: str, text: str) -> int:
    return len(re.findall(r"\b" + re.escape(keyword), text))


def page_for_lesson(title: str, text: str = "") -> str:
    """The id of the codex page a debrief lesson touches (the rule is in the module doc)."""
    title_l, text_l = title.lower(), text.lower()
    best, best_score = DEFAULT_PAGE, 0
    for candidate in PAGES:
        score = sum(
            TITLE_WEIGHT * _hits(word, title_l) + _hits(word, text_l) for word in candidate.keywords
        )
        if score > best_score:
            best, best_score = candidate.id, score
    return best
