"""The Django project of the SMart federation platform (settings, URLs, Celery app, WSGI/ASGI).

This package lives in the plain folder ``platform/``, which every entry point puts on ``sys.path``.
The Celery app is ``config.celery:app``; it is not imported here so that ``config.embedded`` can be
used by the supervisor before Django or Celery are configured.
"""
