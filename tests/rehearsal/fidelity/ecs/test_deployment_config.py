"""ECS deploymentConfiguration, checked against the ECS API Reference (DeploymentConfiguration).

Documented behaviour checked here: CreateService and UpdateService keep minimumHealthyPercent,
maximumPercent, deploymentCircuitBreaker {enable, rollback} and alarms, and DescribeServices
returns them; a rolling-update service without one reports the defaults (200 / 100, breaker
off); UpdateService changes only the fields it is given; an impossible value is an
InvalidParameterException and creates nothing.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tui.rehearsal.fidelity.ecs.deployment_config import merged_configuration, to_config


def test_create_service_keeps_the_deployment_configuration(shop) -> None:
    config = {
        "minimumHealthyPercent": 50,
        "maximumPercent": 150,
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "alarms": {"alarmNames": ["api-5xx"], "enable": True, "rollback": False},
    }
    created = shop.create_api(2, **config)
    assert created["deploymentConfiguration"] == config
    assert shop.api()["deploymentConfiguration"] == config


def test_without_one_a_service_reports_aws_defaults(shop) -> None:
    shop.create_api(2)
    assert shop.api()["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }


def test_update_service_changes_only_what_it_is_given(shop) -> None:
    shop.create_api(2, minimumHealthyPercent=50, maximumPercent=150)
    shop.ecs.update_service(
        cluster="shop",
        service="api",
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    assert shop.api()["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 150,
        "minimumHealthyPercent": 50,
    }


def test_an_impossible_value_is_refused_and_creates_nothing(shop) -> None:
    with pytest.raises(ClientError) as caught:
        shop.create_api(2, minimumHealthyPercent=150)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert shop.ecs.describe_services(cluster="shop", services=["api"])["services"] == []


def test_the_breaker_threshold_is_half_the_desired_count_between_3_and_200() -> None:
    config = to_config(merged_configuration(None, None))
    assert [config.failure_threshold(n) for n in (1, 4, 7, 10, 400, 1000)] == [3, 3, 4, 5, 200, 200]
    counted = to_config(
        merged_configuration(
            None,
            {
                "deploymentCircuitBreaker": {
                    "enable": True,
                    "rollback": True,
                    "thresholdConfiguration": {"type": "COUNT", "value": 7},
                }
            },
        )
    )
    assert counted.failure_threshold(100) == 7
