"""What deployments add to other apps' pages."""

from .gateway_declarations import declare as declare_gateway


def declare():
    declare_gateway()
