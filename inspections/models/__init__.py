from .patrols import *  # noqa: F401,F403
from .reports import *  # noqa: F401,F403
from .sites import *  # noqa: F401,F403
