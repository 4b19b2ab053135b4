"""OpenAPI description of the platform's token authentication (drf-spectacular extension).

Apps may specialise `ActiveTokenAuthentication` (grids keeps verified tokens in memory for its hot
endpoint); each such class is the same `Authorization: Token <key>` scheme, but the schema generator
keys security schemes by class, so a subclass gets its own name instead of clashing on "tokenAuth".
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ActiveTokenScheme(OpenApiAuthenticationExtension):
    target_class = "bureau.accounts.authentication.ActiveTokenAuthentication"
    match_subclasses = True
    priority = 1

    @property
    def name(self):
        cls = self.target if isinstance(self.target, type) else type(self.target)
        if cls.__module__ == "bureau.accounts.authentication":
            return "tokenAuth"
        return f"tokenAuth{cls.__name__}"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication: `Authorization: Token <key>` (from POST /api/v1/auth/token/).',
        }
