"""Every call every client makes reaches the CallRecorder: intent before, result after."""

from __future__ import annotations

import threading

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError
from moto import mock_aws

from tests.aws.conftest import ListRecorder
from tui.aws.clients import ClientFactory
from tui.rehearsal.server import FAKE_CREDENTIALS


@pytest.fixture
def clients(recorder: ListRecorder):
    with mock_aws():
        yield ClientFactory(region="us-east-1", credentials=FAKE_CREDENTIALS, recorder=recorder)


def test_a_call_is_recorded_with_its_parameters_as_given_and_its_result(clients, recorder):
    clients.client("sqs").create_queue(QueueName="orders", Attributes={"DelaySeconds": "5"})

    [call] = recorder.calls
    assert (call.service, call.operation) == ("sqs", "CreateQueue")
    assert call.params == {"QueueName": "orders", "Attributes": {"DelaySeconds": "5"}}
    assert call.result["ok"] is True
    assert call.result["error"] is None
    assert call.result["request_id"]
    assert call.result["duration"] >= 0


def test_every_call_of_every_client_is_recorded_in_order(clients, recorder):
    clients.client("sqs").list_queues()
    clients.client("sts").get_caller_identity()
    clients.client("sqs").list_queues()

    assert recorder.operations() == ["sqs.ListQueues", "sts.GetCallerIdentity", "sqs.ListQueues"]
    assert all(c.result is not None and c.result["ok"] for c in recorder.calls)


def test_a_failing_call_is_recorded_with_aws_error_code(clients, recorder):
    with pytest.raises(ClientError):
        clients.client("elbv2").describe_target_groups(Names=["no-such-group"])

    [call] = recorder.calls
    assert call.operation == "DescribeTargetGroups"
    assert call.result["ok"] is False
    assert call.result["error"].startswith("TargetGroupNotFound")


def test_a_call_refused_before_sending_is_not_recorded(clients, recorder):
    with pytest.raises(ParamValidationError):
        clients.client("elbv2").describe_target_groups(Names="not-a-list")

    assert recorder.calls == []


def test_a_call_that_never_reaches_aws_is_recorded_as_failed(recorder):
    unreachable = ClientFactory(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",  # the discard port: nothing listens
        credentials=FAKE_CREDENTIALS,
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
        recorder=recorder,
    )
    with pytest.raises(EndpointConnectionError):
        unreachable.client("sts").get_caller_identity()

    [call] = recorder.calls
    assert call.operation == "GetCallerIdentity"
    assert call.result["ok"] is False
    assert "127.0.0.1:9" in call.result["error"]


def test_calls_from_many_threads_each_get_exactly_their_own_result(clients, recorder):
    sqs = clients.client("sqs")
    names = [f"q{i}" for i in range(40)]

    def create(name: str) -> None:
        sqs.create_queue(QueueName=name)

    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(c.params["QueueName"] for c in recorder.calls) == sorted(names)
    assert all(c.result is not None and c.result["ok"] for c in recorder.calls)


def test_a_recorder_that_fails_stops_the_call_from_being_sent(clients, recorder):
    class Broken(ListRecorder):
        def intent(self, service, operation, params):
            raise OSError("disk full")

    clients.recorder = Broken()
    sqs = clients.client("sqs")
    with pytest.raises(OSError, match="disk full"):
        sqs.create_queue(QueueName="never")

    clients.recorder = None
    unrecorded = ClientFactory(region="us-east-1", credentials=FAKE_CREDENTIALS)
    assert "QueueUrls" not in unrecorded.client("sqs").list_queues()


def test_sessions_made_by_others_share_the_one_model_loader() -> None:
    # moto makes botocore Sessions of its own (one per partition as moto.ec2 is imported): each
    # parsed EC2's model and endpoints.json again, six and five times in a world's boot.
    import boto3
    import botocore.session

    from tui.aws.clients import new_session, share_loader_with_every_session

    share_loader_with_every_session()
    share_loader_with_every_session()  # idempotent
    ours = new_session(region_name="us-east-1")._session.get_component("data_loader")
    assert botocore.session.Session().get_component("data_loader") is ours
    assert boto3.Session()._session.get_component("data_loader") is ours
    assert "ec2" in boto3.Session().get_available_services()
    own = botocore.session.Session()
    own.set_config_variable("data_path", "/nonexistent")
    assert own.get_component("data_loader") is not ours  # a data path of its own: its own


def test_the_sdks_retries_of_a_throttled_call_are_recorded_with_what_they_cost(
    recorder, monkeypatch, tmp_path
):
    """Throttled calls are retried inside the SDK, out of the recorder's sight: botocore's
    retry guide, "Standard retry mode": "Retry attempts for transient errors ... throttling
    errors ... exponential backoff by a base factor of 2 for a maximum backoff time of 20
    seconds". The audit log must show them. Old code: one result, no attempts, no cost."""
    from tui.audit.chain import read_log
    from tui.audit.session_log import SessionLog
    from tui.clock import ManualClock
    from tui.engine.recorder import SessionCallRecorder
    from tui.rehearsal import fidelity
    from tui.rehearsal.fidelity import throttling
    from tui.rehearsal.fidelity.world_time import WorldTime

    backoffs: list[float] = []
    # The back-off is real time: keep what the SDK asked for, and do not wait it out.
    monkeypatch.setattr("botocore.endpoint.time.sleep", backoffs.append)
    fidelity.install(WorldTime(ManualClock()))
    log = SessionLog.create(tmp_path, ManualClock())
    config = Config(retries={"mode": "standard", "max_attempts": 3})
    try:
        with mock_aws():
            throttling.set_throttling("autoscaling", 1.0)
            for listener in (recorder, SessionCallRecorder(log)):
                factory = ClientFactory(
                    region="us-east-1", credentials=FAKE_CREDENTIALS, recorder=listener
                )
                factory.config = config
                with pytest.raises(ClientError):
                    factory.client("autoscaling").describe_auto_scaling_groups()
    finally:
        throttling.clear()
        log.close()
    [call] = recorder.calls
    # botocore's `max_attempts` counts the retries: 1 + 3 attempts, 3 back-offs, per call.
    assert call.result["attempts"] == 4 and len(backoffs) == 6
    assert 0 < call.result["retry_s"] <= call.result["duration"]
    [result] = [r for r in read_log(tmp_path / "audit.jsonl").records if r.type == "api.result"]
    assert result.payload["attempts"] == 4 and result.payload["error_code"] == "Throttling"
    assert 0 < result.payload["retry_s"] <= result.payload["duration_s"]


def test_the_factory_says_which_profile_source_endpoint_and_ca_bundle_it_uses(
    monkeypatch, tmp_path
):
    """As the AWS CLI resolves them ("Configuration and credential file settings"): the
    profile's credentials file entry, its region, `AWS_ENDPOINT_URL` and `AWS_CA_BUNDLE`
    ("Specifies the path to a certificate bundle to use for HTTPS certificate validation").
    What session.start records of them; never the key itself."""
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[profile prod]\nregion = eu-west-1\n")
    secret = "wJalrXUtnFEMI-not-to-be-seen"
    credentials.write_text(
        f"[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = {secret}\n"
    )
    bundle = tmp_path / "corp-ca.pem"
    bundle.write_text("")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://aws.internal.example:4566")
    said = ClientFactory(profile="prod").described()
    assert said == {
        "region": "eu-west-1",
        "profile": "prod",
        "source": "shared-credentials-file",
        "temporary": False,
        "endpoint": "https://aws.internal.example:4566",
        "ca_bundle": str(bundle),
    }
    assert secret not in repr(said) and "AKIAPROD" not in repr(said)
