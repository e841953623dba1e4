"""``{% held_files_for "paper" item.pk as held_files %}``: the files kept on the server for a
refused form shown on a page that holds several such forms (one per agenda item), read from
the session (no query). See ``egov_portal.held_uploads``."""

from django import template

from egov_portal import held_uploads

register = template.Library()


@register.simple_tag(takes_context=True)
def held_files_for(context, prefix: str, pk) -> list:
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return []
    return held_uploads.held_files(request, f"{prefix}:{pk}")
