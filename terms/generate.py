"""A deterministic synthetic glossary, for benchmarks and load tests.

`generate(terms=N, seed=S)` fills an empty glossary with N terms shaped like
real ones: Markdown definitions of two or three paragraphs, a summary, one
or two aliases, about three numbered sources (shared between terms, about
N/3 of them) and sometimes a further reading, about four see-also links,
a category, mostly published, about half of them reviewed. The same seed
gives the same content on any database: every choice comes from one
`random.Random(seed)`, drawn in a fixed order. Rows go in with
`bulk_create`, each with its first history version, so 100,000 terms take
minutes.

Dates are drawn before `LATEST_DATE`, a fixed day, so the content does not
depend on the day it is made (nor is any date in the future).

Generated content can be told from a real glossary, so that replacing it
never deletes one by mistake (`foreign_content()`): every source's key
starts with `SOURCE_KEY_PREFIX`, every term cites only such sources, and
the categories are the generator's own (name, slug and description).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from terms import search_index
from terms.changes import documents

from .lookalikes import lookalike_key
from .models import Alias, Category, Citation, OldSlug, SeeAlso, Source, Term
from .progress import SILENT, Progress


def _words(text: str) -> list[str]:
    return text.split()


LATEST_DATE = date(2025, 12, 31)
BATCH_SIZE = 1000
# Every generated source's key starts with this: the generator's mark.
SOURCE_KEY_PREFIX = "synthetic-"
# How many of each kind a refusal names.
EXAMPLES = 3

CATEGORIES = [
    ("Alignment", "alignment", "Steering models towards their users' goals."),
    ("Data", "data", "Collecting, cleaning and labelling what models learn from."),
    ("Evaluation", "evaluation", "Measuring what a model can and cannot do."),
    ("Inference and deployment", "inference", "Running models in products."),
    ("Interpretability", "interpretability", "Understanding a model's internals."),
    ("Model training", "training", "From pre-training to fine-tuning."),
    ("Models", "models", "Kinds of models and their architectures."),
    ("Safety and security", "safety", "Failure modes, attacks and controls."),
]

# Words of term names (and of the domain vocabulary definitions use).
# Blocks of words, not lists: a vocabulary reads better a paragraph at a time.
MODIFIERS = _words(
    """
adaptive adversarial affine agentic approximate asynchronous attention-based
autoregressive auxiliary batch bayesian bidirectional binary calibrated causal
chain-of-thought character-level collaborative compositional conditional
constitutional contextual continual contrastive convolutional cooperative
cross-lingual curriculum decentralised deep dense deterministic differentiable
diffusion discrete discriminative distributed domain-specific dynamic
early-exit embodied emergent energy-based ensemble episodic equivariant
evolutionary explainable federated few-shot fine-grained frozen gated
generative geometric gradient-based graph greedy grounded hierarchical hybrid
implicit in-context incremental inverse iterative kernel latent layer-wise
learned lightweight linear local low-rank masked memory-augmented meta
mixed-precision modular monotonic multi-agent multi-head multilingual
multimodal multi-task mutual neural non-parametric offline on-device online
open-vocabulary orthogonal out-of-distribution parallel parameter-efficient
partial probabilistic progressive prompt-based quantised random recurrent
recursive red-team regularised reinforced relational residual
retrieval-augmented reversible reward-weighted robust rule-based safe scalable
self-supervised semantic semi-supervised sequential shallow sparse spectral
speculative stochastic structured supervised symbolic synthetic temporal
token-level transferable uncertainty-aware unsupervised value-based variational
vision-language weak-to-strong weighted zero-shot 3D 4-bit 8-bit n-gram naïve
über élan
"""
)
HEADS = _words(
    """
ablation activation adapter agent alignment annotation anomaly architecture
attention autoencoder backdoor backpropagation baseline benchmark bias
bootstrapping calibration captioning checkpoint classifier clustering
compression consistency controller corpus critic curriculum dataset decoder
decoding deduplication denoising detector distillation drift dropout embedding
encoder entropy estimator evaluation explanation extraction factorisation
feedback filtering forecasting gating generalisation grounding guardrail
hallucination heuristic inference interpolation jailbreak kernel labelling
leaderboard likelihood loss manifold memorisation merging moderation momentum
normalisation objective optimiser oversight paraphrasing perplexity pipeline
planner policy pooling preference pretraining probe pruning quantisation
ranking reasoning reconstruction refusal regression regularisation
representation retrieval reward robustness routing sampling scaling
segmentation sharding simulation sparsity steering summarisation supervision
tokenisation tokenizer transformer transfer translation tuning unlearning
validation verifier watermarking
"""
)
TAILS = _words("method model score loss policy objective attack metric protocol")
# General prose: most of a definition, and ignored or common in searches.
FILLER = _words(
    """
a a a an the the the the the of of of of to to to and and and in in in is is
that it for on with as by be are this its can from at or which not more than
when each their into they but if also other so such how these only used between
over both without while whose where then because model models data system
systems output outputs input inputs training trained learn learns learning
example examples result results method methods human humans users user text
task tasks answer answers response responses rule rules value values behaviour
performance quality error errors signal signals process step steps stage set
number large small new better worse often usually rarely typically first second
final next same different many most some few several common specific general
useful harmful honest reliable accurate costly cheap fast slow make makes made
give gives take takes keep keeps change changes show shows reduce reduces
improve improves measure measures compare compares produce produces predict
predicts follow follows apply applies rely relies depend depends require
requires help helps avoid avoids combine combines describe describes team teams
product products company companies decision decisions practice research
researchers paper papers approach approaches problem problems goal goals cost
costs risk risks test tests evidence information knowledge context prompt
prompts instruction instructions feedback label labels score scores level
levels layer layers weight weights parameter parameters token tokens sequence
sequences probability distribution
"""
)
TITLE_ENDINGS = [
    "Definition and business implications",
    "Definition and examples",
    "Definition, uses and limits",
    "How it works",
]
SOURCE_TITLES = [
    "Towards {m} {h}",
    "{M} {h} at scale",
    "On the {h} of {m} {h2} models",
    "Scaling laws for {m} {h}",
    "{M} {h} for {m2} {h2}",
    "A survey of {m} {h}",
    "Learning {m} {h} from human feedback",
    "Measuring {h} in {m} language models",
]
SURNAMES = _words(
    """
Abbasi Adeyemi Andersen Bai Bianchi Brown Chen Christiano Costa Dubois Eriksson
Fischer Garcia Gupta Hansen Hoffmann Ito Jansen Kaplan Kim Kowalski Larsen Li
Lopez Martin Mehta Meyer Moreau Nakamura Nguyen Novak Okafor Olsen Ouyang Park
Patel Petrov Radford Rossi Sato Schmidt Silva Singh Smith Stiennon Tanaka
Torres Wang Weber Wei Yamamoto Zhang Zhou
"""
)
PUBLISHERS = [
    "Anthropic",
    "OpenAI",
    "Google DeepMind",
    "Google Research",
    "Meta AI",
    "Microsoft Research",
    "Allen Institute for AI",
    "Stanford University",
    "MIT",
    "Carnegie Mellon University",
    "ETH Zürich",
    "University of Oxford",
    "Mila",
    "NeurIPS",
    "ICML",
    "ICLR",
    "ACL",
    "NIST",
    "OECD",
    "Alan Turing Institute",
]
DOI_REGISTRANTS = [1145, 1007, 1038, 1126, 1109, 1016, 18653, 48550]
KINDS = [  # (kind, weight)
    (Source.Kind.PAPER, 65),
    (Source.Kind.ARTICLE, 10),
    (Source.Kind.BOOK, 8),
    (Source.Kind.REPORT, 12),
    (Source.Kind.WEBPAGE, 5),
]


@dataclass
class Generated:
    terms: int = 0
    published: int = 0
    reviewed: int = 0
    aliases: int = 0
    sources: int = 0
    citations: int = 0
    further_reading: int = 0
    see_also: int = 0
    categories: int = 0


class NotGenerated(ValueError):
    """The database holds content the generator did not make."""


def clear(progress: Progress = SILENT):
    """Delete every term, source and category (and what hangs off them)."""
    models = (SeeAlso, Citation, Alias, OldSlug, Term, Source, Category)
    total = sum(model.objects.count() for model in models)
    with progress.step("Deleting the glossary", total, "rows") as step:
        for model in models:
            # In batches, to show progress: each row gets a history version.
            while pks := list(model.objects.values_list("pk", flat=True)[:500]):
                model.objects.filter(pk__in=pks).delete()
                step.advance(len(pks))


def foreign_content() -> list[tuple[int, str, list[str]]]:
    """What the generator did not make: (how many, of what, a few names)."""
    sources = Source.objects.exclude(key__startswith=SOURCE_KEY_PREFIX)
    # A generated term cites two sources or more, all of them generated.
    terms = Term.objects.filter(
        Q(citations__isnull=True) | Q(citations__source__in=sources)
    ).distinct()
    own = reduce(
        or_,
        (Q(name=name, slug=slug, description=text) for name, slug, text in CATEGORIES),
    )
    categories = Category.objects.exclude(own)
    found = []
    for rows, field, one, many in (
        (terms, "name", "term", "terms"),
        (sources, "key", "source", "sources"),
        (categories, "name", "category", "categories"),
    ):
        if count := rows.count():
            names = rows.order_by(field).values_list(field, flat=True)[:EXAMPLES]
            found.append((count, one if count == 1 else many, list(names)))
    return found


def describe(found: list[tuple[int, str, list[str]]]) -> str:
    """'19 terms (AI alignment, …), 31 sources (…)'."""
    return ", ".join(
        f"{count} {kind} ({', '.join(names)}{', …' if count > len(names) else ''})"
        for count, kind, names in found
    )


def generate(
    terms: int,
    seed: int,
    *,
    replace: bool = False,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress = SILENT,
) -> Generated:
    """Fill the glossary with `terms` synthetic terms made from `seed`.

    The glossary must be empty, or `replace` says to clear it first (in the
    same transaction, so a failure leaves the old content in place). Only
    content the generator made is replaced, unless `force` says any may be.
    """
    if terms < 1:
        raise ValueError("Generate at least one term.")
    with (
        documents.kept_current(progress),
        transaction.atomic(),
        search_index.filled_after(connection, progress),
    ):
        if replace:
            if not force and (found := foreign_content()):
                raise NotGenerated(
                    f"The database holds content generate_glossary did not "
                    f"make: {describe(found)}."
                )
            clear(progress)
        elif (
            Term.objects.exists()
            or Source.objects.exists()
            or Category.objects.exists()
        ):
            raise ValueError("The glossary already has terms, sources or categories.")
        result = _Maker(random.Random(seed), terms).save(batch_size, progress)
    _tidy()
    return result


def insert(model, objs: list) -> list:
    """bulk_create, with the first version of each row in its history."""
    return bulk_create_with_history(
        objs, model, batch_size=BATCH_SIZE, default_change_reason="generate_glossary"
    )


def _tidy():
    """Leave the tables as a freshly restored database would be: compact,
    with fresh planner statistics (or the first queries plan for empty
    tables). On PostgreSQL the alias trigger rewrites a term's row for each
    alias, which leaves the term table about 2.5 times its size in dead row
    versions; VACUUM FULL compacts it, as a dump and restore would, and a
    plain VACUUM then marks its pages all-visible, as autovacuum would soon.
    Neither can run inside a transaction (a test's), where ANALYZE alone
    has to do."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        if not vacuum:
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM FULL")
        # VACUUM FULL leaves the visibility map empty, so the planner reads
        # the heap for every index entry (lists sort the whole table instead
        # of an index-only scan) until a plain VACUUM marks the pages.
        cursor.execute("VACUUM ANALYZE")


class _Maker:
    def __init__(self, rng: random.Random, terms: int):
        self.rng = rng
        self.terms = terms
        self.sources = max(8, terms // 3)
        self.source_ids: list[int] = []
        self.published_on: list[date] = []  # sources', by index
        self.latest = min(LATEST_DATE, timezone.localdate())
        self.names: set[str] = set()  # Term.name_lookalike values, which are unique
        self.slugs: set[str] = set()
        self.keys: set[str] = set()
        self.result = Generated()

    def save(self, batch_size: int, progress: Progress) -> Generated:
        categories = insert(
            Category,
            [
                Category(name=name, slug=slug, description=description)
                for name, slug, description in CATEGORIES
            ],
        )
        self.result.categories = len(categories)
        with progress.step("Generating sources", self.sources, "sources") as step:
            for start in range(0, self.sources, batch_size):
                batch = [
                    self.source(i)
                    for i in range(start, min(start + batch_size, self.sources))
                ]
                self.source_ids += [source.pk for source in insert(Source, batch)]
                step.advance(len(batch))
        self.result.sources = self.sources
        term_ids: list[int] = []
        with progress.step("Generating terms", self.terms, "terms") as step:
            for start in range(0, self.terms, batch_size):
                batch = [
                    self.term(categories)
                    for _ in range(start, min(start + batch_size, self.terms))
                ]
                term_ids += self.insert_terms(batch)
                step.advance(len(batch))
        # Links go in once every term has its id: they point anywhere.
        with progress.step("Linking terms", self.terms, "terms") as step:
            for start in range(0, self.terms, batch_size):
                end = min(start + batch_size, self.terms)
                links = [
                    SeeAlso(term_id=term_ids[i], target_id=term_ids[target], position=n)
                    for i in range(start, end)
                    for n, target in enumerate(self.targets(i), start=1)
                ]
                self.result.see_also += len(insert(SeeAlso, links))
                step.advance(end - start)
        self.result.terms = self.terms
        return self.result

    def insert_terms(self, batch) -> list[int]:
        """Insert terms made by term(), with their aliases and citations."""
        insert(Term, [term for term, _, _ in batch])
        aliases = [alias for _, term_aliases, _ in batch for alias in term_aliases]
        self.result.aliases += len(insert(Alias, aliases))
        citations = [
            Citation(term=term, source_id=self.source_ids[index], **fields)
            for term, _, cited in batch
            for index, fields in cited
        ]
        self.result.citations += len(insert(Citation, citations))
        return [term.pk for term, _, _ in batch]

    # Terms

    def term(self, categories) -> tuple[Term, list[Alias], list[tuple[int, dict]]]:
        rng = self.rng
        name, slug = self.unique_name()
        words = name.split()
        published = rng.random() < 0.92
        reviewed = rng.random() < 0.55
        term = Term(
            name=name,
            slug=slug,
            title=f"What is {name}? {rng.choice(TITLE_ENDINGS)}",
            summary=self.summary(name),
            definition=self.definition(name),
            example=self.example() if rng.random() < 0.5 else "",
            category=rng.choice(categories) if rng.random() < 0.97 else None,
            status=Term.Status.PUBLISHED if published else Term.Status.DRAFT,
            last_reviewed=self.day_within(3 * 365) if reviewed else None,
        )
        self.result.published += published
        self.result.reviewed += reviewed
        return term, self.aliases(term, words), self.cited()

    def unique_name(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            shape = rng.random()
            if shape < 0.5:
                words = [rng.choice(MODIFIERS), rng.choice(HEADS)]
            elif shape < 0.8:
                words = [*rng.sample(MODIFIERS, 2), rng.choice(HEADS)]
            else:
                words = [rng.choice(MODIFIERS), rng.choice(HEADS), rng.choice(TAILS)]
            name = " ".join([_capitalise(words[0]), *words[1:]])
            slug = slugify(name)
            if slug in self.slugs:
                # Taken: most draws are, once the two-word names run out
                # (16,317). Only a new slug is worth the slower key.
                continue
            key = lookalike_key(name)
            if key not in self.names:
                self.names.add(key)
                self.slugs.add(slug)
                return name, slug

    def aliases(self, term: Term, words: list[str]) -> list[Alias]:
        abbreviation = "".join(word[0] for word in words).upper()
        synonym = f"{term.name} {self.rng.choice(['technique', 'approach'])}"
        if abbreviation[0].isdigit():  # "3D pipeline": no acronym
            candidates = [(synonym, Alias.Kind.SYNONYM)]
        else:
            candidates = [
                (abbreviation, Alias.Kind.ABBREVIATION),
                (synonym, Alias.Kind.SYNONYM),
            ]
        count = 2 if self.rng.random() < 0.4 else 1
        return [
            Alias(term=term, name=name, kind=kind) for name, kind in candidates[:count]
        ]

    def cited(self) -> list[tuple[int, dict]]:
        """(source index, citation fields): numbered sources, maybe a reading."""
        rng = self.rng
        count = rng.choice([2, 3, 3, 3, 4])
        reading = rng.random() < 0.35
        chosen: list[int] = []
        while len(chosen) < count + reading:
            index = self.popular_source()
            if index not in chosen:
                chosen.append(index)
        cited = [
            (index, {"position": n, "accessed": self.accessed(index)})
            for n, index in enumerate(chosen[:count], start=1)
        ]
        if reading:
            role = Citation.Role.FURTHER_READING
            cited.append((chosen[-1], {"role": role, "position": 1}))
            self.result.further_reading += 1
        return cited

    def accessed(self, source: int) -> date:
        """A day in the last four years, and after the source came out."""
        earliest = min(
            max(self.published_on[source], self.latest - timedelta(days=4 * 365)),
            self.latest,  # a clock before LATEST_DATE
        )
        return earliest + timedelta(
            days=self.rng.randrange((self.latest - earliest).days + 1)
        )

    def popular_source(self) -> int:
        # A few sources are cited by many terms, most by a handful.
        if self.rng.random() < 0.3:
            return int(self.sources * self.rng.random() ** 3)
        return self.rng.randrange(self.sources)

    def targets(self, i: int) -> list[int]:
        rng = self.rng
        count = min(rng.choice([2, 3, 4, 4, 5, 6]), self.terms - 1)
        chosen: list[int] = []
        while len(chosen) < count:
            target = rng.randrange(self.terms)
            if target != i and target not in chosen:
                chosen.append(target)
        return chosen

    # Prose

    def sentence(self, low: int, high: int, domain: float = 0.04) -> str:
        rng = self.rng
        words = rng.choices(FILLER, k=rng.randint(low, high))
        for i in range(len(words)):
            if rng.random() < domain:
                words[i] = rng.choice(HEADS if rng.random() < 0.6 else MODIFIERS)
        if rng.random() < 0.15:
            i = rng.randrange(len(words))
            words[i] = f"*{words[i]}*"
        return f"{_capitalise(' '.join(words))}."

    def summary(self, name: str) -> str:
        return f"{name} is {_lower_first(self.sentence(10, 22))}"

    def definition(self, name: str) -> str:
        rng = self.rng
        paragraphs = []
        for number in range(rng.choice([2, 3, 3])):
            sentences = [self.sentence(12, 24) for _ in range(rng.randint(4, 7))]
            if number == 0:
                sentences[0] = f"**{name}** is {_lower_first(sentences[0])}"
            paragraphs.append(" ".join(sentences))
        if rng.random() < 0.2:
            items = [f"- {self.sentence(4, 10)}" for _ in range(rng.randint(2, 4))]
            paragraphs.insert(1, "\n".join(items))
        return "\n\n".join(paragraphs)

    def example(self) -> str:
        sentences = [self.sentence(10, 20) for _ in range(self.rng.randint(2, 4))]
        return "Consider this: " + " ".join(sentences)

    def day_within(self, days: int) -> date:
        return self.latest - timedelta(days=self.rng.randrange(days))

    # Sources

    def source(self, i: int) -> Source:
        rng = self.rng
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        year, month = rng.randint(1990, 2025), rng.randint(1, 12)
        self.published_on.append(date(year, month, 1))
        surname = rng.choice(SURNAMES)
        authors = rng.choices(
            [f"{surname} et al.", f"{surname} and {rng.choice(SURNAMES)}", surname],
            weights=[70, 20, 10],
        )[0]
        template = rng.choice(SOURCE_TITLES)
        slots = {
            "m": rng.choice(MODIFIERS),
            "m2": rng.choice(MODIFIERS),
            "h": rng.choice(HEADS),
            "h2": rng.choice(HEADS),
        }
        title = template.format(M=_capitalise(slots["m"]), **slots)
        publisher = rng.choice(PUBLISHERS)
        identifier = ""
        if kind == Source.Kind.PAPER and year >= 2007 and i < 99_999:
            identifier = f"arXiv:{year % 100:02d}{month:02d}.{i + 1:05d}"
            url = f"https://arxiv.org/abs/{identifier.removeprefix('arXiv:')}"
        elif kind != Source.Kind.WEBPAGE and rng.random() < 0.8:
            identifier = f"10.{rng.choice(DOI_REGISTRANTS)}/glossary.{year}.{i + 1}"
            url = f"https://doi.org/{identifier}"
        else:
            url = f"https://www.{slugify(publisher)}.org/publications/{i + 1}"
        key = SOURCE_KEY_PREFIX + slugify(f"{surname}{year}{title.split()[0]}")
        if key in self.keys:
            key = f"{key}-{i + 1}"
        self.keys.add(key)
        return Source(
            key=key,
            title=title,
            authors=authors,
            publisher=publisher,
            year=year,
            identifier=identifier,
            url=url,
            kind=kind,
        )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
