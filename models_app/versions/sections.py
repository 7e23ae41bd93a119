"""Parts of a version's page that other apps draw (a fine-tuned version's lineage), so this
app never names them: `register_version_section(key, render, order)` from an app's ready();
`render(request, version)` returns its HTML (escaped by its own template) or "" for none."""

from collections.abc import Callable

_sections: dict[str, tuple[int, Callable]] = {}


def register_version_section(key: str, render: Callable, order: int = 50) -> None:
    _sections[key] = (order, render)


def rendered_version_sections(request, version) -> list[str]:
    shown = sorted(_sections.items(), key=lambda item: (item[1][0], item[0]))
    return [html for html in (render(request, version) for _, (_, render) in shown) if html]
