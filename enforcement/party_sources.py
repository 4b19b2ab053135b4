"""Other registers that know a party: a finding, a report or a form may name a party through another app's
row ("vendor" 12: street commerce's vendor register), and the case it becomes is against that row's party.

Apps above enforcement register a source from their AppConfig.ready(): `resolve(ref, acting_user)` returns the
Party (or raises ValidationError for an unknown row), and `case_reported(ref, case, acting_user)`, if given,
records the link on their side too (street commerce keeps its vendor-to-case trail, which its repeat-offender
list reads). Enforcement and the apps beside street commerce (inspections' patrol findings) import none of them.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class PartySource:
    kind: str
    resolve: Callable  # (ref, acting_user) -> Party
    case_reported: Callable | None = None  # (ref, case, acting_user) -> None


_sources: dict[str, PartySource] = {}


def register(kind: str, resolve: Callable, case_reported: Callable | None = None) -> None:
    _sources[kind] = PartySource(kind, resolve, case_reported)


def available(kind: str) -> bool:
    return kind in _sources


def resolve(kind: str, ref, *, acting_user):
    """The party named by `ref` in the `kind` register; a ValidationError when there is no such row (or no
    such register installed)."""
    source = _sources.get(kind)
    if source is None:
        raise ValidationError({kind: [_("不支持的当事人来源：%(kind)s") % {"kind": kind}]})
    return source.resolve(ref, acting_user)


def case_reported(kind: str, ref, case, *, acting_user) -> None:
    source = _sources.get(kind)
    if source is not None and source.case_reported is not None:
        source.case_reported(ref, case, acting_user)
