"""The rich-text editor of the overview (S-7, Trix) in the page's language: its toolbar and
link dialog read their words from `Trix.config.lang`, which static/js/model_form.js fills
from these, rendered into the form page (`json_script`) before the editor starts."""

from django.utils.translation import pgettext_lazy

# Every key of Trix's `config.lang` but the size units (KB, MB, …), written the same in
# every language the hub speaks. Attachments are turned off; their words are here anyway,
# so that nothing Trix may show is left in English.
EDITOR_LABELS = {
    "attachFiles": pgettext_lazy("rich text editor", "Attach Files"),
    "bold": pgettext_lazy("rich text editor", "Bold"),
    "bullets": pgettext_lazy("rich text editor", "Bullets"),
    "byte": pgettext_lazy("rich text editor", "Byte"),
    "bytes": pgettext_lazy("rich text editor", "Bytes"),
    "captionPlaceholder": pgettext_lazy("rich text editor", "Add a caption…"),
    "code": pgettext_lazy("rich text editor", "Code"),
    "heading1": pgettext_lazy("rich text editor", "Heading"),
    "indent": pgettext_lazy("rich text editor", "Increase Level"),
    "italic": pgettext_lazy("rich text editor", "Italic"),
    "link": pgettext_lazy("rich text editor", "Link"),
    "numbers": pgettext_lazy("rich text editor", "Numbers"),
    "outdent": pgettext_lazy("rich text editor", "Decrease Level"),
    "quote": pgettext_lazy("rich text editor", "Quote"),
    "redo": pgettext_lazy("rich text editor", "Redo"),
    "remove": pgettext_lazy("rich text editor", "Remove"),
    "strike": pgettext_lazy("rich text editor", "Strikethrough"),
    "undo": pgettext_lazy("rich text editor", "Undo"),
    "unlink": pgettext_lazy("rich text editor", "Unlink"),
    "url": pgettext_lazy("rich text editor", "URL"),
    "urlPlaceholder": pgettext_lazy("rich text editor", "Enter a URL…"),
}
SAME_IN_EVERY_LANGUAGE = ("KB", "MB", "GB", "TB", "PB")


def editor_labels() -> dict[str, str]:
    """The labels in the active language, for `json_script`."""
    return {key: str(label) for key, label in EDITOR_LABELS.items()}
