from tests.figures.support import place, walker, world  # noqa: F401 - the fixtures of every figures test
