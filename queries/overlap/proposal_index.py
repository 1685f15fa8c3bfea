"""The proposal check's index of the graph (申报查重索引): built once, then refreshed from what each
ingest wrote instead of being re-read.

What it holds: every counted platform's profile, the graph's tf-idf rows (raw term counts kept, so
idf and row norms can be recomputed), the name-core counts, the look-ups from institution, person,
whole core and core bigram to platforms, and the institution and industry names a proposal is
resolved against. A check then costs a few sparse column reads, set look-ups and the scoring of the
candidates they give — sublinear in the graph.

Why refreshed and not rebuilt: building it reads every platform with its host, co-builders, team,
industries and topics, and turns them into profiles and vectors — tens of seconds at 100,000
platforms, far beyond the 3 s a planner should wait for the first check after an ingest. An
ingest changes few platforms, and it stamps everything it writes with its run key (``src_run``,
``ingest/cypher.py``). So:

- the index remembers the ingest runs it has seen (with their statuses) and the count-store counts
  of the labels and relationship types a profile is read from
  (:data:`~queries.overlap.proposal_cypher.PLATFORM_DATA_MARKER`, constant time). An analysis
  writing back its results changes neither: the index is kept as it is;
- new runs (or a run whose status moved on): the index reloads only the platforms they touched
  (:data:`~queries.overlap.proposal_cypher.CHANGED_PLATFORMS`, plus the platforms it had linked to
  a restated institution or researcher — a removed link leaves no stamp of its own) with the keyed
  variants of the analysis's own bulk reads, then recomputes in memory, from the profiles it holds,
  what depends on the whole graph: :func:`~queries.overlap.text.prepare` (the analysis's function:
  core counts, term-frequency weights, spreads, host topics), document frequencies, idf and row norms
  (numpy over the kept counts), and patches the look-ups. The result is the index a full build
  would give (the tests compare them);
- anything the stamps cannot explain — counts moved with no new run (a write outside the ingest: a
  hand-made test graph, a console edit), a count of active platforms that does not match after the
  update, a delta larger than a third of the graph — rebuilds from a full read, as before.

A refresh builds a new index beside the old one and never changes the old (profiles it re-prepares
are copies), so checks that are running meanwhile finish on a consistent snapshot; the caller
swaps the new one in (``api/routers/overlaps.py``). Chosen over persisting the index under
``PLATGRAPH_HOME`` at the end of each ingest: the refresh is as fast wherever it runs, needs no
file kept in step with the database, and works whoever wrote (the CLI, the API's upload, another
machine).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from neo4j.exceptions import ClientError
from scipy import sparse

from graph.credit_code import is_valid_credit_code, normalize_credit_code
from graph.names import normalize_name
from graph.store import Store
from queries.overlap import cypher, proposal_cypher
from queries.overlap.blocking import CORE_CAP, RARE_BIGRAM_DF, _core_bigrams
from queries.overlap.profiles import ACTIVE_STATUSES, Profile, load_profiles
from queries.overlap.text import prepare, smoothed_idf, spread_index, sublinear_tf, tfidf_vector, tokens

PROPOSAL_TOP_K = 100  # nearest platforms by research-direction/name wording always compared
MIN_COSINE = 0.1
# A delta above this share of the graph is read in full (patching would cost as much).
MAX_DELTA_SHARE = 1 / 3
# Emptied rows above this share (and above MIN_DEAD_RELAY): the refresh re-lays the rows in memory.
MAX_DEAD_SHARE = 0.25
MIN_DEAD_RELAY = 1_000

@dataclass(frozen=True)
class Marker:
    """What the index was built from: count-store counts and the ingest runs with their statuses."""

    counts: tuple[int, ...]
    runs: frozenset[tuple[str, str]]

    def new_runs(self, older: Marker) -> list[str]:
        """Runs this marker has that ``older`` did not (or that changed status since)."""
        return sorted(key for key, status in self.runs if (key, status) not in older.runs)


def read_marker(store: Store) -> Marker:
    row = store.read(proposal_cypher.PLATFORM_DATA_MARKER)[0]
    runs = frozenset((str(key), str(status)) for key, status in row.pop("runs"))
    return Marker(tuple(int(row[k]) for k in sorted(row)), runs)


class NameLookups:
    """Institution and industry names of the graph, for resolving a proposal without a scan per
    request: credit code or normalised alias -> institution keys, name or alias -> industries.
    (People are resolved per request through the Researcher(name) index: there are too many to
    hold.) Refreshed with the index: the institutions an ingest restated are re-read."""

    def __init__(self, store: Store | None = None) -> None:
        self.by_norm: dict[str, set[str]] = defaultdict(set)
        self.by_code: dict[str, set[str]] = defaultdict(set)
        self.institutions: dict[str, tuple[str, list[str]]] = {}
        self._keys_of: dict[str, tuple[list[str], str | None]] = {}  # key -> (norms, code) it was filed under
        self.industries: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        if store is not None:
            self._add(store.read(cypher.LOAD_INSTITUTION_NAMES))
            self._read_industries(store)

    def _add(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.institutions[row["key"]] = (row["name"] or row["key"], list(row["aliases"]))
            norms = list(row["norms"])
            for norm in norms:
                self.by_norm[norm].add(row["key"])
            if row["code"]:
                self.by_code[row["code"]].add(row["key"])
            self._keys_of[row["key"]] = (norms, row["code"])

    def _read_industries(self, store: Store) -> None:
        for row in store.read(cypher.LOAD_INDUSTRY_NAMES_FOR_CHECK):
            for spelling in {row["key"], row["name"], *row["aliases"]} - {None}:
                self.industries[spelling].append((row["key"], row["level"], row["parent"]))

    def updated(self, store: Store, keys: list[str]) -> NameLookups:
        """A copy with the given institutions re-read. Every set it changes is a new set, so the
        old look-ups (still serving checks) stay as they were."""
        new = NameLookups()
        new.institutions = dict(self.institutions)
        new._keys_of = dict(self._keys_of)
        new.by_norm = defaultdict(set, self.by_norm)
        new.by_code = defaultdict(set, self.by_code)
        rows = store.read(proposal_cypher.LOAD_INSTITUTION_NAMES_BY_KEY, {"keys": keys}) if keys else []
        for key in keys:  # forget what it was filed under
            norms, code = new._keys_of.pop(key, ([], None))
            new.institutions.pop(key, None)
            for norm in norms:
                new.by_norm[norm] = new.by_norm[norm] - {key}
            if code:
                new.by_code[code] = new.by_code[code] - {key}
        for row in rows:  # fresh sets for _add to fill
            for norm in row["norms"]:
                new.by_norm[norm] = set(new.by_norm.get(norm, ()))
            if row["code"]:
                new.by_code[row["code"]] = set(new.by_code.get(row["code"], ()))
        new._add(rows)
        new._read_industries(store)
        return new

    def differs(self, key: str, name: str | None, aliases: list[str], code: str | None) -> bool:
        """Whether an institution as a run restated it is new here or differs from what is filed."""
        if key not in self.institutions:
            return True
        return self.institutions[key] != (name or key, list(aliases)) or self._keys_of[key][1] != code

    def institution_keys(self, raw: str) -> list[str]:
        code = normalize_credit_code(raw)
        keys = set(self.by_code.get(code, ())) if is_valid_credit_code(code) else set()
        return sorted(keys | self.by_norm.get(normalize_name(raw), set()))


def _postings(prof: Profile) -> Iterable[tuple[str, str]]:
    """(look-up, key) entries of one profile: institutions, people, whole core, core bigrams."""
    for inst in prof.institutions:
        yield "institution", inst
    if prof.host_family:  # one host written two ways (queries.overlap.topics.host_family), as blocking.py
        yield "institution", "family:" + prof.host_family
    for person in prof.people:
        yield "person", person
    if prof.core:
        yield "core", prof.core
        for gram in set(_core_bigrams(prof.core)):
            yield "bigram", gram


def _term_row(prof: Profile, vocab: dict[str, int]) -> tuple[list[int], list[float]]:
    """A profile's tf-idf row before weighting: token columns (vocabulary grown as needed) and
    sublinear term frequencies, exactly as :class:`~queries.overlap.text.DirectionVectors` counts."""
    counts: dict[int, int] = {}
    for tok in tokens(prof):
        idx = vocab.setdefault(tok, len(vocab))
        counts[idx] = counts.get(idx, 0) + 1
    return list(counts), [sublinear_tf(c) for c in counts.values()]


class CheckIndex:
    """The graph as the proposal check needs it (see the module docstring). Never changed once
    built: :meth:`updated` returns a new one."""

    def __init__(self, profiles: dict[str, Profile], lookups: NameLookups | None = None,
                 marker: Marker | None = None, topic_names: dict[str, str] | None = None) -> None:
        """Build from profiles in memory (the full build and the re-lay of rows after many updates)."""
        self.lookups = lookups
        self.marker = marker
        self.topic_names = topic_names or {}  # topic key -> name, as profiles read it
        self.how = "built"  # built | updated | relaid: how this index came about (tests, bench, logs)
        self.reloaded: list[str] = sorted(profiles)  # the platforms read for it
        self.rows: list[Profile | None] = [profiles[k] for k in sorted(profiles)]
        self.core_counts: Counter[str] = prepare([p for p in self.rows if p is not None])
        self.vocab: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for prof in self.rows:
            assert prof is not None
            cols, tfs = _term_row(prof, self.vocab)
            indices.extend(cols)
            data.extend(tfs)
            indptr.append(len(indices))
        self._raw = (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                     np.asarray(data, dtype=np.float32))
        self.postings: dict[str, dict[str, tuple[int, ...]]] = {}
        grouped: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for row, prof in enumerate(self.rows):
            assert prof is not None
            for kind, key in _postings(prof):
                grouped[kind][key].append(row)
        for kind in ("institution", "person", "core", "bigram"):
            self.postings[kind] = {k: tuple(v) for k, v in grouped[kind].items()}
        self._finish()

    def _finish(self) -> None:
        """Everything derived from the rows: row of each key, idf, normalised columns."""
        spread_index(self.core_counts)  # built here, not by the first check
        for prof in self.rows:
            # each profile's ``terms`` (a cached property) made now, inside the build, so that it is
            # frozen with the index. Made lazily by a check, it is a new object stored into a frozen
            # profile's __dict__, which the collector then tracks again: in a serving worker tens of
            # thousands of them piled up outside the frozen generation, and each full collection
            # walked them — pauses of 80-160 ms every few seconds at 100,000 platforms, the
            # 32-client tail (docs/benchmarks.md, proposal check)
            if prof is not None:
                prof.terms  # noqa: B018 - computed for its cache
        self.row_of = {p.key: r for r, p in enumerate(self.rows) if p is not None}
        self.live = np.fromiter((p is not None for p in self.rows), dtype=bool, count=len(self.rows))
        self.key_rank = _key_ranks(self.rows)
        indptr, indices, raw = self._raw
        n_rows = len(self.rows)
        row_of_entry = np.repeat(np.arange(n_rows), np.diff(indptr))
        alive = self.live[row_of_entry]
        df = np.bincount(indices[alive], minlength=max(len(self.vocab), 1))
        self.idf = smoothed_idf(len(self.row_of), df)
        matrix = sparse.csr_matrix((np.where(alive, raw, np.float32(0.0)), indices, indptr),
                                   shape=(n_rows, max(len(self.vocab), 1)))
        matrix = sparse.csr_matrix(matrix @ sparse.diags(self.idf))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.columns: sparse.csc_matrix = sparse.csc_matrix(sparse.diags(1.0 / norms) @ matrix)
        self._ordered: list[Profile] | None = None

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def ordered(self) -> list[Profile]:
        """The counted platforms' profiles, by key."""
        if self._ordered is None:
            self._ordered = [p for p in sorted((p for p in self.rows if p is not None), key=lambda p: p.key)]
        return self._ordered

    def transform(self, prof: Profile) -> tuple[np.ndarray, np.ndarray]:
        """A new platform's L2-normalised tf-idf vector in the graph's vocabulary and idf (columns,
        values); tokens the graph has never seen cannot match anything and are left out."""
        return tfidf_vector(prof, self.vocab, self.idf)

    def candidates(self, prof: Profile, cols: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows worth scoring and their cosines with the proposal: the analysis's blocks seen from one
        side (shared institution, team member, whole core, rare core bigram) plus the ``PROPOSAL_TOP_K``
        nearest by wording."""
        post = self.postings
        rows: set[int] = set()
        for inst in prof.institutions:
            rows.update(post["institution"].get(inst, ()))
        if prof.host_family:
            rows.update(post["institution"].get("family:" + prof.host_family, ()))
        for person in prof.people:
            rows.update(post["person"].get(person, ()))
        if prof.core:
            rows.update(post["core"].get(prof.core, ())[:CORE_CAP])
            for gram in set(_core_bigrams(prof.core)):
                posting = post["bigram"].get(gram, ())
                if len(posting) <= RARE_BIGRAM_DF:
                    rows.update(posting)
        cosines = np.zeros(len(self.rows), dtype=np.float32)
        csc = self.columns
        for col, weight in zip(cols.tolist(), vals.tolist(), strict=True):
            lo, hi = csc.indptr[col], csc.indptr[col + 1]
            cosines[csc.indices[lo:hi]] += weight * csc.data[lo:hi]
        near = np.flatnonzero(cosines >= MIN_COSINE)
        if len(near) > PROPOSAL_TOP_K:
            # the nearest, ties broken by platform key (so the answer does not depend on row order);
            # by the keys' precomputed ranks: making an array of thousands of key strings per check
            # was a third of a check's time at 100,000 platforms
            near = near[np.lexsort((self.key_rank[near], -cosines[near]))[:PROPOSAL_TOP_K]]
        rows.update(near.tolist())
        found = np.asarray(sorted(rows), dtype=np.int64)
        return found, np.clip(cosines[found], 0.0, 1.0)

    def updated(self, changed: dict[str, Profile | None], lookups: NameLookups | None,
                marker: Marker | None, *, topic_names: dict[str, str] | None = None,
                relay: bool | None = None) -> CheckIndex:
        """See :meth:`_updated` (run without garbage-collection pauses)."""
        with _no_gc_pauses():
            return self._updated(changed, lookups, marker, topic_names=topic_names, relay=relay)

    def _updated(self, changed: dict[str, Profile | None], lookups: NameLookups | None,
                 marker: Marker | None, *, topic_names: dict[str, str] | None = None,
                 relay: bool | None = None) -> CheckIndex:
        """A new index with ``changed`` applied (key -> its profile now, or None: no longer counted).

        Unchanged profiles keep their row; changed ones leave theirs empty and take a new row at the
        end. What depends on the whole graph is recomputed on copies, so this index stays as it was.
        ``relay``: lay the rows out afresh (in memory) instead — by default once emptied rows would
        exceed ``MAX_DEAD_SHARE`` of them."""
        if relay is None:
            dead = len(self.rows) - len(self) + sum(1 for k in changed if k in self.row_of)
            relay = dead > max(MAX_DEAD_SHARE * len(self.rows), MIN_DEAD_RELAY)
        if relay:
            profiles = {p.key: _reset(p) for p in self.rows if p is not None and p.key not in changed}
            profiles.update({k: p for k, p in changed.items() if p is not None})
            relaid = CheckIndex(profiles, lookups, marker, self.topic_names if topic_names is None else topic_names)
            relaid.how, relaid.reloaded = "relaid", sorted(changed)
            return relaid
        new = CheckIndex.__new__(CheckIndex)
        new.lookups, new.marker, new.how = lookups, marker, "updated"
        new.topic_names = self.topic_names if topic_names is None else topic_names
        new.reloaded = sorted(changed)
        gone_rows = {self.row_of[k] for k in changed if k in self.row_of}
        rows: list[Profile | None] = [None if r in gone_rows or p is None else _reset(p)
                                      for r, p in enumerate(self.rows)]
        added = sorted((p for p in changed.values() if p is not None), key=lambda p: p.key)
        first_new = len(rows)
        rows.extend(added)
        new.rows = rows
        new.core_counts = prepare([p for p in rows if p is not None], fresh=added)  # kept rows keep their own fields
        # term rows: the old ones stay (same core and terms), the added ones are counted
        new.vocab = dict(self.vocab)
        indptr, indices, data = self._raw
        add_ptr, add_idx, add_data = [], [], []
        end = int(indptr[-1])
        for prof in added:
            cols, tfs = _term_row(prof, new.vocab)
            add_idx.extend(cols)
            add_data.extend(tfs)
            end += len(cols)
            add_ptr.append(end)
        new._raw = (np.concatenate([indptr, np.asarray(add_ptr, dtype=np.int64)]),
                    np.concatenate([indices, np.asarray(add_idx, dtype=np.int64)]),
                    np.concatenate([data, np.asarray(add_data, dtype=np.float32)]))
        # look-ups: only the entries of removed and added profiles change
        touched: dict[str, set[str]] = defaultdict(set)
        for row in gone_rows:
            old = self.rows[row]
            assert old is not None
            for kind, key in _postings(old):
                touched[kind].add(key)
        additions: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for offset, prof in enumerate(added):
            for kind, key in _postings(prof):
                touched[kind].add(key)
                additions[kind][key].append(first_new + offset)
        new.postings = {}
        for kind, old_map in self.postings.items():
            patched = dict(old_map)
            for key in touched[kind]:
                kept = [r for r in old_map.get(key, ()) if r not in gone_rows]
                merged = sorted(kept + additions[kind].get(key, []), key=lambda r: rows[r].key)  # type: ignore[union-attr]
                if merged:
                    patched[key] = tuple(merged)
                else:
                    patched.pop(key, None)
            new.postings[kind] = patched
        new._finish()
        return new

    def person_name(self, key: str) -> str | None:
        """A researcher's name as the index holds it (None: on no counted platform's team)."""
        for row in self.postings["person"].get(key, ()):
            prof = self.rows[row]
            if prof is not None:
                return prof.people[key]
        return None

    def linked_to(self, institutions: Iterable[str], researchers: Iterable[str]) -> set[str]:
        """Keys of the platforms this index links to any of the given institutions or researchers."""
        out: set[str] = set()
        for kind, keys in (("institution", institutions), ("person", researchers)):
            for key in keys:
                for row in self.postings[kind].get(key, ()):
                    prof = self.rows[row]
                    if prof is not None:
                        out.add(prof.key)
        return out


def _key_ranks(rows: list[Profile | None]) -> np.ndarray:
    """Each row's position in key order (emptied rows last): ties between equally near platforms
    are broken by key, as integers."""
    order = sorted((r for r, p in enumerate(rows) if p is not None), key=lambda r: rows[r].key)  # type: ignore[union-attr]
    ranks = np.full(len(rows), len(rows), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    return ranks


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Cyclic garbage collection held off while hundreds of thousands of objects are made: each
    collection would walk every profile of the index (measured: most of an update's time at
    20,000 platforms). Nothing made here is garbage in a cycle; collection resumes after, without
    the index (frozen)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # what was made (the index: millions of long-lived objects) goes to the permanent
        # generation, so later collections in a serving process do not walk it on every
        # request; it is still freed by reference counting when the next index replaces it
        gc.freeze()
        if was:
            gc.enable()


def _reset(prof: Profile) -> Profile:
    """A copy whose graph-dependent fields :func:`prepare` may rewrite (its own data is shared).
    A plain attribute copy: ``copy.copy`` of a dataclass costs ten times more, at 100,000 a second."""
    new: Profile = object.__new__(Profile)
    new.__dict__.update(prof.__dict__)
    return new


def build_check_index(store: Store, marker: Marker | None = None) -> CheckIndex:
    """Load every counted platform and index it (a full read; see :func:`refresh_check_index`)."""
    marker = marker or read_marker(store)
    topics = {r["key"]: r["name"] for r in store.read(proposal_cypher.TOPIC_NAMES)}
    with _no_gc_pauses():
        index = CheckIndex(load_profiles(store), NameLookups(store), marker, topics)
    _plan_refresh_queries(store)
    return index


def _plan_refresh_queries(store: Store) -> None:
    """Run the refresh's queries once with nothing to find, so that Neo4j has planned them before
    the first check after an ingest needs them (planning a dozen queries on a busy machine took
    longer than running them)."""
    none: dict[str, Any] = {"runs": [], "keys": [], "institutions": [], "topics": []}
    _changed_platforms(store, [])
    for query in (proposal_cypher.RESTATED_ENDS, proposal_cypher.PLATFORMS_OF_ENDS,
                  proposal_cypher.LOAD_INSTITUTION_NAMES_BY_KEY):
        store.read(query, none)
    load_profiles(store, keys=[])


def refresh_check_index(store: Store, index: CheckIndex | None) -> CheckIndex:
    """The index for the graph as it is now: ``index`` itself when no platform data changed, else
    ``index`` updated from what the new ingest runs wrote, else a full build (module docstring)."""
    marker = read_marker(store)
    if index is None or index.marker is None or index.lookups is None:
        return build_check_index(store, marker)
    if marker == index.marker:
        return index
    runs = marker.new_runs(index.marker)
    if not runs:
        return build_check_index(store, marker)  # changed, but not by an ingest: read it all
    keys = set(_changed_platforms(store, runs))
    ends = store.read(proposal_cypher.RESTATED_ENDS, {"runs": runs})[0]
    known = index.lookups.institutions
    # re-read for resolving proposals: new institutions and those whose names or code changed (a
    # run restating thousands of unchanged ones — a dead run closed as interrupted — costs nothing)
    restated = [key for key, name, aliases, code in ends["institutions"]
                if index.lookups.differs(key, name, aliases, code)]
    renamed = [key for key, name, aliases, _ in ends["institutions"]
               if key in known and known[key] != (name or key, list(aliases))]
    topics = {key: name for key, name in ends["topics"]}
    renamed_topics = [k for k, name in topics.items() if k in index.topic_names and index.topic_names[k] != name]
    people = [key for key, name in ends["researchers"] if index.person_name(key) not in (None, name)]
    if renamed or renamed_topics:
        keys.update(store.read(proposal_cypher.PLATFORMS_OF_ENDS,
                               {"institutions": renamed, "topics": renamed_topics})[0]["keys"])
    keys |= index.linked_to(renamed, people)
    if len(keys) > MAX_DELTA_SHARE * max(len(index), 1) + 100:
        return build_check_index(store, marker)
    loaded = load_profiles(store, keys=sorted(keys)) if keys else {}
    changed: dict[str, Profile | None] = {k: loaded.get(k) for k in keys}
    new = index.updated(changed, index.lookups.updated(store, restated), marker,
                        topic_names={**index.topic_names, **topics})
    if len(new) != store.read(proposal_cypher.ACTIVE_PLATFORMS, {"statuses": ACTIVE_STATUSES})[0]["n"]:
        return build_check_index(store, marker)  # something the stamps do not show (a deletion)
    return new


def _changed_platforms(store: Store, runs: list[str]) -> list[str]:
    """:data:`~queries.overlap.proposal_cypher.CHANGED_PLATFORMS`, unhinted where a hint naming a
    missing relationship ``src_run`` index is an error (``dbms.cypher.hints_error=true``; by default
    Neo4j plans around it with a warning)."""
    try:
        return list(store.read(proposal_cypher.CHANGED_PLATFORMS, {"runs": runs})[0]["keys"])
    except ClientError:
        return list(store.read(proposal_cypher.CHANGED_PLATFORMS_UNHINTED, {"runs": runs})[0]["keys"])


def check_index_stats(index: CheckIndex) -> dict[str, int]:
    """Sizes, for the bench and the logs."""
    return {"platforms": len(index), "rows": len(index.rows), "vocabulary": len(index.vocab),
            "nonzeros": int(index.columns.nnz)}


__all__ = ["PROPOSAL_TOP_K", "CheckIndex", "Marker", "NameLookups", "build_check_index", "check_index_stats",
           "read_marker", "refresh_check_index"]
