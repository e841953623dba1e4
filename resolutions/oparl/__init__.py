"""The portal's public records as OParl 1.1 (https://oparl.org), read-only, for anyone.

OParl is the open standard for council information systems: linked JSON objects that a
harvester walks from one entry point. Here:

* ``/oparl/v1.1/`` is the ``System``; each province whose working group is public is a
  ``Body`` (the working group stands for it, so its id is the working group's);
* the working group, the steering committee and the subcommittees are ``Organization``\\ s;
* every holder a seat has had is a ``Membership`` of a ``Person`` (names and posts only);
* approved minutes marked public are ``Meeting``\\ s with their ``AgendaItem``\\ s, and
  their PDF is a ``File``;
* resolutions marked public are ``Paper``\\ s, with their directives' progress as the
  vendor extension ``egov:directiveProgress``.

What is published is exactly what an anonymous visitor of the pages may see: the rules are
the pages' own (``visible_bodies``, ``visible_meetings`` and ``public_resolutions`` for a
visitor who is not signed in), read in ``selectors.py``. ``serializers.py`` turns rows into
OParl dicts, ``http.py`` holds OParl's HTTP conventions (pages, filters, CORS, conditional
GET, errors), ``views.py`` the endpoints and ``files.py`` the minutes' PDF and its checksum.
"""
