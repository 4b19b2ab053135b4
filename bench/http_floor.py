"""The floor of bench/http_load.py: a bare WSGI app answering a constant, served by the same gunicorn."""
BODY = b'{"status":"ok"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
