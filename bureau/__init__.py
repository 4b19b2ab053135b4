"""Bureau: the district urban-management platform (project package and platform apps)."""
from .celery import app as celery_app

__all__ = ("celery_app",)
