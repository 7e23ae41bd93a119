import time

from models_app.deployments.models import GatewayCall


def recorded_calls(key, expected: int, seconds: float = 5.0) -> list:
    """The key's usage rows, oldest first, once there are `expected` (or after `seconds`): a
    stream's row is written when the live server has handed over its last event, which can
    be a moment after the client has read it."""
    deadline = time.monotonic() + seconds
    while True:
        calls = list(GatewayCall.objects.filter(key=key).order_by("id"))
        if len(calls) >= expected or time.monotonic() > deadline:
            return calls
        time.sleep(0.05)
