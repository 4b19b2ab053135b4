from .approvals import *  # noqa: F401,F403
from .campaigns import *  # noqa: F401,F403
from .demolitions import *  # noqa: F401,F403
from .patrols import *  # noqa: F401,F403
from .reports import *  # noqa: F401,F403
from .rotas import *  # noqa: F401,F403
from .sites import *  # noqa: F401,F403
