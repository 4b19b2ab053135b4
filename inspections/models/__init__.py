from .reports import *  # noqa: F401,F403
