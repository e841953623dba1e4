"""Static files in production: whitenoise's compressed manifest storage (hashed names,
gzip and Brotli copies, served with far-future caching by whitenoise's middleware), able to
collect a third-party stylesheet that names images its package does not ship.

django-jalali 7.4.0 ships the jQuery UI theme ``jquery-ui.min.css`` (its admin date
picker loads it) whose ``url()`` rules name five images the package leaves out
(``ui-bg_glass_55_fbf9ee_1x400.png``, ``ui-bg_glass_95_fef1ec_1x400.png``,
``ui-icons_2e83ff_256x240.png``, ``ui-icons_888888_256x240.png``,
``ui-icons_cd0a0a_256x240.png``). The manifest storage rewrites every ``url()`` of a
stylesheet to the hashed name of its target and fails ``collectstatic`` when a target is
missing. For the files listed in ``UNREWRITTEN`` only, the ``url()`` rules are kept as
written: the stylesheet itself is still hashed, compressed and listed in the manifest (so
``{% static %}`` and the admin's form media find it), and its relative references load the
unhashed copies ``collectstatic`` keeps beside the hashed ones, exactly as under ``DEBUG``.
The five images stay missing, as they are in the package: the highlight and error states
keep their background colours without the glossy texture, and icons drawn in those states
fall back to none (this theme styles only the admin's date picker; the portal's own pages
use their own picker). Our own stylesheets keep the strict check: a broken reference in
them still fails the deploy.

Vendoring the five images instead was not chosen: the package (7.4.0) does not ship them,
so they would be copies of jQuery UI 1.11.4's theme files under the package's path, to
keep in step by hand whenever django-jalali changes its theme.
"""

from __future__ import annotations

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Third-party stylesheets whose url() references are left as written (see above).
UNREWRITTEN = frozenset(
    {
        "admin/jquery.ui.datepicker.jalali/themes/base/jquery-ui.min.css",
    }
)


def _unchanged(match) -> str:
    return match[0]


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also keeps ``collectstatic`` quick (Brotli at its best ratio is slow): it compresses
    the hashed names only, which are all that pages link (the plain copies beside them are
    still served, uncompressed), and leaves source maps (``.map``), which only developer tools
    fetch, uncompressed. That is under half of whitenoise's default work."""

    def url_converter(self, name, hashed_files, template=None):
        if name in UNREWRITTEN:
            return _unchanged
        return super().url_converter(name, hashed_files, template)

    def compress_files(self, paths):
        hashed = set(self.hashed_files.values())
        return super().compress_files([path for path in paths if path in hashed])

    def create_compressor(self, **kwargs):
        if kwargs.get("extensions") is None:  # WHITENOISE_SKIP_COMPRESS_EXTENSIONS unset
            kwargs["extensions"] = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
        return super().create_compressor(**kwargs)
