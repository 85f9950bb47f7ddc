"""iam:SimulatePrincipalPolicy in the world, as AWS documents it (IAM API Reference):

- EvaluationResult: "The simulator now returns a single EvaluationResult per action,
  regardless of how many resource ARNs are provided ... The top-level EvalDecision reflects the
  most restrictive decision across all resources ... To see the decision for each individual
  resource, use ResourceSpecificResults." EvalDecision: "allowed | explicitDeny | implicitDeny".
- MatchedStatements: "if only one statement denies that operation, then the explicit deny
  overrides any allow. In addition, the deny statement is the only entry included in the result."
- PolicySourceArn: "If you specify a user, the simulation also includes all policies that are
  attached to any groups the user belongs to."
Old code: moto answered SimulatePrincipalPolicy with an error (not implemented)."""

from __future__ import annotations

import json

LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/1/2"
OTHER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/other-alb/1/2"


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _role(aws, policy: str) -> str:
    iam = aws.client("iam")
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})
    arn = iam.create_role(RoleName="sim", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="sim", PolicyName="p", PolicyDocument=policy)
    return arn


def test_one_result_per_action_most_restrictive_with_per_resource_results(aws) -> None:
    allow = {
        "Effect": "Allow",
        "Action": "elasticloadbalancing:ModifyListener",
        "Resource": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/*",
    }
    arn = _role(aws, _doc(allow))
    (result,) = aws.client("iam").simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["elasticloadbalancing:ModifyListener"],
        ResourceArns=[LISTENER, OTHER],
    )["EvaluationResults"]
    assert result["EvalDecision"] == "implicitDeny"
    per = {
        r["EvalResourceName"]: r["EvalResourceDecision"] for r in result["ResourceSpecificResults"]
    }
    assert per == {LISTENER: "allowed", OTHER: "implicitDeny"}
    allowed = next(
        r for r in result["ResourceSpecificResults"] if r["EvalResourceName"] == LISTENER
    )
    assert allowed["MatchedStatements"][0]["SourcePolicyId"] == "p"


def test_an_explicit_deny_wins_and_is_the_only_matched_statement(aws) -> None:
    allow = {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*"}
    arn = _role(aws, _doc(allow, deny))
    results = aws.client("iam").simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["ec2:TerminateInstances", "ec2:DescribeInstances", "s3:GetObject"],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {
        "ec2:TerminateInstances": "explicitDeny",
        "ec2:DescribeInstances": "allowed",
        "s3:GetObject": "implicitDeny",
    }
    assert len(results[0]["MatchedStatements"]) == 1


def test_a_users_group_policies_count(aws) -> None:
    iam = aws.client("iam")
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.put_group_policy(
        GroupName="g",
        PolicyName="gp",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "rds:Describe*", "Resource": "*"}),
    )
    arn = iam.get_user(UserName="u")["User"]["Arn"]
    (result,) = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["rds:DescribeDBInstances"]
    )["EvaluationResults"]
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyType"] == "group"
