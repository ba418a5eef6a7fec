"""What the codebook makes of codes for agreement: variables, groups and roll-up.

- A **variable** is a parent marked ``exclusive: true``: its children are the values of
  one nominal variable, and a unit carries at most one of them. A code below a child
  counts as that child's value. Values are *numeric* when every child's label (or,
  failing that, the last part of its id) is a number: then ordinal and interval alpha
  apply too, the values ranked by those numbers.
- A **group** is any other parent with two or more children: its cu-alpha measures
  whether coders who both used the group chose the same children (see ``groups.py``).
- **Roll-up**: a code counts for each of its ancestors.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..codebook import Codebook


@dataclass(frozen=True)
class Variable:
    """A parent's children as the values of one variable: ``members`` maps each code in
    the parent's subtree (below it) to the index of the child it falls under."""

    id: str
    values: tuple[str, ...]
    members: dict[str, int]
    numbers: tuple[float, ...] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The values as shown: child ids without the parent's ``id.`` prefix."""
        prefix = self.id + "."
        return tuple(v.removeprefix(prefix) for v in self.values)


@dataclass
class Scheme:
    variables: dict[str, Variable] = field(default_factory=dict)
    groups: dict[str, Variable] = field(default_factory=dict)
    ancestors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    known: set[str] | None = None           # every code id; None without a codebook

    def variable_codes(self) -> set[str]:
        """Codes that are values of a variable (or below one)."""
        return {code for v in self.variables.values() for code in v.members}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _subtree(book: Codebook, code_id: str) -> list[str]:
    found = [code_id]
    for child in book.children(code_id):
        found += _subtree(book, child.id)
    return found


def _variable(book: Codebook, parent: str) -> Variable:
    children = book.children(parent)
    members = {code: index for index, child in enumerate(children)
               for code in _subtree(book, child.id)}
    numbers = [_number(c.label.strip()) for c in children]
    if None in numbers:
        numbers = [_number(c.id.rsplit(".", 1)[-1]) for c in children]
    return Variable(parent, tuple(c.id for c in children), members,
                    None if None in numbers else tuple(numbers))


def scheme_of(book: Codebook | None) -> Scheme:
    """The variables, groups and ancestors of ``book`` (an empty scheme without one)."""
    if book is None:
        return Scheme()
    scheme = Scheme(known=set(book.codes))
    for code in book.codes.values():
        chain, parent = [], code.parent
        while parent is not None and parent in book.codes and parent not in chain:
            chain.append(parent)
            parent = book.codes[parent].parent
        scheme.ancestors[code.id] = tuple(chain)
        if code.exclusive:
            scheme.variables[code.id] = _variable(book, code.id)
        elif len(book.children(code.id)) >= 2:
            scheme.groups[code.id] = _variable(book, code.id)
    return scheme
