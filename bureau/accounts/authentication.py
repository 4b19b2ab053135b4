from rest_framework.authentication import TokenAuthentication


class ActiveTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (it refuses an inactive user's token with 401 on the next call)."""

    keyword = "Token"
