// The deploy and ecosystem files checked with their own tools (tests/deploy/check.sh): workflows, the
// OpenAPI document, the SAM template with the IAM policies, and the commands of docs/.

#include "deploy/deploy_check.hpp"

#include <catch2/catch.hpp>

TEST_CASE("the GitHub workflows pass actionlint and say what deploy needs", "[deploy]")
{
    pyfun::test::expect_deploy_check({"workflows"});
}

TEST_CASE("openapi.yaml passes Spectral's OpenAPI rules", "[deploy]")
{
    pyfun::test::expect_deploy_check({"openapi"});
}

TEST_CASE("deploy/template.yaml routes to handlers bootstrap accepts, with least privilege", "[deploy]")
{
    pyfun::test::expect_deploy_check({"template"});
}

TEST_CASE("every command in docs/deploy.md and docs/api.md is an AWS or GitHub call or runs here", "[deploy]")
{
    pyfun::test::expect_deploy_check({"docs"});
}
