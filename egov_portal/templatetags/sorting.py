"""Headers of sortable tables (see ``egov_portal.sorting``).

``{% load sorting %}`` then, in a ``<thead>``::

    {% sortable_th sorting "due" _("مهلت") %}
    {% sortable_th sorting "total" _("ابلاغ‌شده") css="num" %}

and, inside a GET filter form, ``{% sort_hidden_inputs sorting %}`` so that filtering keeps
the order; ``{% sort_query sorting %}`` is "?sort=…" for a link that clears the filters.
Without a ``sorting`` (a PDF rendering the same table) the header is a plain ``<th>``.
"""

from django import template
from django.core.exceptions import ImproperlyConfigured

from egov_portal import sorting as sorting_module
from egov_portal.sorting import Sorting

register = template.Library()


@register.inclusion_tag("includes/sortable_th.html")
def sortable_th(sorting, key: str, label, css: str = ""):
    header = None
    if isinstance(sorting, Sorting):
        if key not in sorting.columns:
            raise ImproperlyConfigured(f"{key!r} is not a sortable column of {sorting!r}")
        header = sorting.header(key)
    return {"header": header, "label": label, "css": css}


@register.inclusion_tag("includes/sort_hidden_inputs.html")
def sort_hidden_inputs(*sortings):
    return {"fields": sorting_module.sort_fields(*sortings)}


@register.simple_tag
def sort_query(*sortings) -> str:
    return sorting_module.sort_query(*sortings)
