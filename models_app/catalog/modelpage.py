"""The model page shell (S-30): the header card, the tab bar, the operation buttons and the
card's ⋮ menu (S-21), built from what the installed apps declare.

An app declares, from its AppConfig.ready(), as data:
- a `Tab` (label, URL name taking `ref`, order, the action a caller needs to see it);
- an `Operation` button on the model page (label, URL, who may use it, or the reason it is
  disabled);
- a `MenuEntry` of the card's ⋮ menu on the list;
- a `CardSection` of the Model card tab, below the overview (a README, usage commands).
Declaring the same key again replaces the earlier declaration, so an app that makes a
"not available yet" operation real replaces its placeholder without editing this app.
Every page of one model renders through `model_page()`; no app edits another's templates.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.forms.utils import flatatt
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from models_app.access.caller import Caller, caller_of
from models_app.access.roles import Action
from models_app.access.rules import allowed_actions

from .cards import ModelCard, detail_card
from .links import model_url


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    url_name: str
    order: int
    action: Action = Action.VIEW


@dataclass(frozen=True)
class Operation:
    """A button of the model page. `url(page)` gives its link, or None when it cannot be
    used now, with `unavailable(page)` (or the text itself) saying why. `action` None:
    shown to everyone who sees the model (a placeholder for what does not exist yet)."""

    key: str
    label: str | Promise
    order: int
    action: Action | None = None
    url: Callable | None = None
    unavailable: Callable | str | Promise = ""
    hint: Callable | str | Promise = ""
    style: str = ""
    download: bool = False
    # The reason it is disabled is also written beside the buttons, not only in a tooltip:
    # for what a user expects to work now (a download), not for what does not exist yet.
    explained: bool = False


@dataclass(frozen=True)
class MenuEntry:
    """An item of a card's ⋮ menu. With `url_name` (a route taking `ref`) it is a link for
    the cards whose caller may `action`; without, it is shown disabled with `unavailable`.
    `returns_here`: the link carries `next`, the list page to come back to; `attrs(card)`:
    more attributes of the link (the delete dialog reads its own from there)."""

    key: str
    label: str | Promise
    order: int
    action: Action | None = None
    url_name: str = ""
    unavailable: str | Promise = ""
    danger: bool = False
    returns_here: bool = False
    attrs: Callable | None = None


@dataclass(frozen=True)
class CardSection:
    """A part of the Model card tab below the overview, drawn by the app that declares it:
    `render(request, page)` returns its HTML (escaped by its own template), or "" to show
    nothing. Shown in `order` to callers who may `action`."""

    key: str
    order: int
    render: Callable
    action: Action = Action.VIEW


_tabs: dict[str, Tab] = {}
_operations: dict[str, Operation] = {}
_menu: dict[str, MenuEntry] = {}
_sections: dict[str, CardSection] = {}
_sorted: dict[str, list] = {}


def _declare(registry: dict, item) -> None:
    registry[item.key] = item
    _sorted.clear()


def register_tab(tab: Tab) -> None:
    _declare(_tabs, tab)


def register_operation(operation: Operation) -> None:
    _declare(_operations, operation)


def register_menu_entry(entry: MenuEntry) -> None:
    _declare(_menu, entry)


def register_card_section(section: CardSection) -> None:
    _declare(_sections, section)


def forget(key: str) -> None:
    """Removes whatever is declared under `key` (for tests that declare their own)."""
    for registry in (_tabs, _operations, _menu, _sections):
        registry.pop(key, None)
    _sorted.clear()


def _in_order(name: str, registry: dict) -> list:
    if name not in _sorted:
        _sorted[name] = sorted(registry.values(), key=lambda item: (item.order, item.key))
    return _sorted[name]


def tabs() -> list[Tab]:
    return _in_order("tabs", _tabs)


def operations() -> list[Operation]:
    return _in_order("operations", _operations)


def menu_entries() -> list[MenuEntry]:
    return _in_order("menu", _menu)


def card_sections() -> list[CardSection]:
    return _in_order("sections", _sections)


def _text(value, page) -> str:
    return str(value(page) if callable(value) else value)


@dataclass
class Button:
    label: str
    url: str | None
    reason: str = ""
    hint: str = ""
    style: str = ""
    download: bool = False
    key: str = ""
    explained: bool = False


@dataclass
class ModelPage:
    """What the shell of one model's page shows to one caller. `found` keeps what a
    declaration looked up for this page, so an operation's `url`, `hint` and `unavailable`
    share one query (see `found_once`)."""

    model: object
    card: ModelCard
    actions: frozenset
    tab: str
    caller: Caller | None = None
    links: list = field(default_factory=list)
    buttons: list = field(default_factory=list)
    found: dict = field(default_factory=dict)

    def __post_init__(self):
        self.links = [
            (tab.label, model_url(tab.url_name, self.model), tab.key == self.tab)
            for tab in tabs()
            if tab.action in self.actions
        ]
        self.buttons = [
            self._button(operation)
            for operation in operations()
            if operation.action is None or operation.action in self.actions
        ]

    def _button(self, operation: Operation) -> Button:
        url = operation.url(self) if operation.url else None
        return Button(
            key=operation.key,
            label=str(operation.label),
            url=url,
            reason="" if url else _text(operation.unavailable, self),
            hint=_text(operation.hint, self),
            style=operation.style,
            download=operation.download,
            explained=operation.explained,
        )

    def found_once(self, key: str, look_up: Callable):
        """`look_up(self)`, called at most once per page for `key`."""
        if key not in self.found:
            self.found[key] = look_up(self)
        return self.found[key]


def model_page_context(request, model, tab: str, **extra) -> dict:
    """What every page of a model needs for its header, tabs and operation buttons."""
    page = ModelPage(
        model=model,
        card=detail_card(model),
        actions=allowed_actions(request, model),
        tab=tab,
        caller=caller_of(request),
    )
    return {"model": model, "card": page.card, "actions": page.actions, "model_page": page, **extra}


def rendered_card_sections(request, page: ModelPage) -> list[str]:
    """The HTML of each declared card section the caller may see, in order."""
    shown = (section for section in card_sections() if section.action in page.actions)
    return [html for html in (section.render(request, page) for section in shown) if html]


def model_page(request, model, tab: str, template: str, *, status: int = 200, **extra):
    """Renders `template` (which extends catalog/model_detail.html) as tab `tab` of the page."""
    return render(
        request, template, model_page_context(request, model, tab, **extra), status=status
    )


def card_menu_parts(request) -> tuple[str, list[MenuEntry]]:
    """The ⋮ menu as the list draws it: the disabled entries rendered once for the page, and
    the entries each card shows when its caller may use them."""
    entries = menu_entries()
    disabled = [entry for entry in entries if not entry.url_name]
    usable = [entry for entry in entries if entry.url_name]
    html = render_to_string("catalog/_card_menu_disabled.html", {"entries": disabled}, request)
    return html, usable


def card_menu(card: ModelCard, usable: list[MenuEntry], next_param: str) -> str:
    """The links of one card's menu its caller may use. Built here rather than in a template
    loop: a list page draws dozens of cards."""
    items = []
    for entry in usable:
        if entry.action is not None and entry.action not in card.actions:
            continue
        url = model_url(entry.url_name, card.model)
        items.append(
            format_html(
                '<li><a class="menu-item{}" href="{}" data-menu-entry="{}"{}>{}</a></li>',
                " menu-danger" if entry.danger else "",
                f"{url}?{next_param}" if entry.returns_here else url,
                entry.key,
                flatatt(entry.attrs(card)) if entry.attrs else "",
                entry.label,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 — each item is built by format_html
