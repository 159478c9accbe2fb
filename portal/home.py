"""Sections of a community's home page ("what is happening now"). Each feature registers a
provider when its blueprint is imported; the home page shows whatever providers return, in
registration order, so sections fill in as features land without the home page knowing them."""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    title: str
    template: str
    context: dict = field(default_factory=dict)


# provider(unit, user) -> Section | None
PROVIDERS: list[Callable] = []


def home_section(provider: Callable) -> Callable:
    """Decorator: register a home-page section provider."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def sections_for(unit, user) -> list[Section]:
    """The sections to show on ``unit``'s home page for ``user``."""
    return [s for s in (provider(unit, user) for provider in PROVIDERS) if s is not None]
