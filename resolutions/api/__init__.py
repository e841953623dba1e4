"""The directives API for agency systems (``/api/v1/``), on Django REST framework.

An agency's system signs its requests with a key of its own (``members.AgencyApiToken``,
made by an administrator or the agency's IT manager): it reads the agency's directives and
invitations, acknowledges and reports progress through the same services as the pages, and
may be told of new, returned and cancelled directives by webhook. The OpenAPI document is
generated from these views (drf-spectacular). See README, "APIs".
"""
