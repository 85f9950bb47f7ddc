"""IAM extensions: the world enforces a policy on a session's credentials (`turnout rehearse
--policy`), and answers iam:SimulatePrincipalPolicy from the same evaluator."""
