"""What deployments add to other apps' pages."""


def declare():
    pass
