"""`{% deployment_usage deployment %}`: the gateway's usage figures of a deployment, for its
page (`{% load gateway_usage %}`)."""

from django import template

from ..usage import deployment_usage as usage_of_deployment

register = template.Library()


@register.inclusion_tag("deployments/_usage.html")
def deployment_usage(deployment):
    return {"usage": usage_of_deployment(deployment)}
