"""State machine versions and aliases through boto3: publishing (publish=true,
PublishStateMachineVersion, revisionId conflicts), listing, executions that keep running their
version's definition after UpdateStateMachine, aliases (create, describe, update, delete, list,
routing) and the ConflictException for deleting a version an alias uses."""

import json
import unittest

from botocore.exceptions import ClientError

import harness


def result_machine(result, wait=0):
    """A machine whose output tells which definition ran; it waits `wait` seconds first."""
    states = {"R": {"Type": "Pass", "Result": result, "End": True}}
    if wait:
        states = {"W": {"Type": "Wait", "Seconds": wait, "Next": "R"}, **states}
    return {"StartAt": next(iter(states)), "States": states}


class VersionsTest(harness.ServerTest):

    def create(self, name, definition, **kwargs):
        return self.sfn.create_state_machine(name=name, roleArn=harness.ROLE,
                                             definition=json.dumps(definition), **kwargs)

    def versions(self, machine, **kwargs):
        return [v["stateMachineVersionArn"] for v in
                self.sfn.list_state_machine_versions(stateMachineArn=machine,
                                                     **kwargs)["stateMachineVersions"]]

    def test_create_with_publish_makes_version_1(self):
        created = self.create("published", result_machine("v1"), publish=True,
                              versionDescription="first")
        machine = created["stateMachineArn"]
        self.assertEqual(created["stateMachineVersionArn"], f"{machine}:1")
        d = self.sfn.describe_state_machine(stateMachineArn=f"{machine}:1")
        self.assertEqual(d["stateMachineArn"], f"{machine}:1")
        self.assertEqual(d["description"], "first")
        self.assertEqual(json.loads(d["definition"]), result_machine("v1"))
        # The first revision has no id on AWS: neither the machine nor its version shows one.
        self.assertNotIn("revisionId", d)
        self.assertNotIn("revisionId", self.sfn.describe_state_machine(stateMachineArn=machine))
        self.assertEqual(self.versions(machine), [f"{machine}:1"])

    def test_publish_checks_the_revision_and_is_idempotent_per_revision(self):
        machine = self.create("revisions", result_machine(0))["stateMachineArn"]
        revision = self.sfn.update_state_machine(
            stateMachineArn=machine, definition=json.dumps(result_machine("a")))["revisionId"]
        self.assertEqual(self.versions(machine), [])
        self.assertEqual(self.sfn.describe_state_machine(stateMachineArn=machine)["revisionId"],
                         revision)
        first = self.sfn.publish_state_machine_version(stateMachineArn=machine,
                                                       revisionId=revision)
        self.assertEqual(first["stateMachineVersionArn"], f"{machine}:1")
        # The same revision again: the same version.
        again = self.sfn.publish_state_machine_version(stateMachineArn=machine)
        self.assertEqual(again["stateMachineVersionArn"], f"{machine}:1")
        self.assertEqual(again["creationDate"], first["creationDate"])
        updated = self.sfn.update_state_machine(stateMachineArn=machine,
                                                definition=json.dumps(result_machine("b")))
        message = self.error("ConflictException", self.sfn.publish_state_machine_version,
                             stateMachineArn=machine, revisionId=revision)
        self.assertIn(revision, message)
        second = self.sfn.publish_state_machine_version(
            stateMachineArn=machine, revisionId=updated["revisionId"], description="b")
        self.assertEqual(second["stateMachineVersionArn"], f"{machine}:2")
        d = self.sfn.describe_state_machine(stateMachineArn=f"{machine}:2")
        self.assertEqual((d["revisionId"], d["description"]), (updated["revisionId"], "b"))
        self.error("StateMachineDoesNotExist", self.sfn.publish_state_machine_version,
                   stateMachineArn=harness.machine_arn("revisions-none"))

    def test_update_with_publish_makes_the_next_version(self):
        machine = self.create("update-publish", result_machine(1), publish=True)[
            "stateMachineArn"]
        updated = self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                                versionDescription="two",
                                                definition=json.dumps(result_machine(2)))
        self.assertEqual(updated["stateMachineVersionArn"], f"{machine}:2")
        self.assertEqual(json.loads(self.sfn.describe_state_machine(
            stateMachineArn=f"{machine}:2")["definition"]), result_machine(2))
        self.assertEqual(json.loads(self.sfn.describe_state_machine(
            stateMachineArn=f"{machine}:1")["definition"]), result_machine(1))

    def test_update_with_publish_and_no_change_publishes_the_current_revision_once(self):
        # As recorded on AWS: no revision id yet, and the same version for both updates.
        machine = self.create("publish-unchanged", result_machine(1))["stateMachineArn"]
        for _ in range(2):
            updated = self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                                    definition=json.dumps(result_machine(1)))
            self.assertEqual(updated["stateMachineVersionArn"], f"{machine}:1")
            self.assertNotIn("revisionId", updated)
        self.assertEqual(self.versions(machine), [f"{machine}:1"])

    def test_versions_are_listed_newest_first_in_pages(self):
        machine = self.create("many-versions", result_machine(0), publish=True)[
            "stateMachineArn"]
        for i in range(1, 5):
            self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                          definition=json.dumps(result_machine(i)))
        self.assertEqual(self.versions(machine), [f"{machine}:{n}" for n in (5, 4, 3, 2, 1)])
        pages, token = [], None
        while True:
            kwargs = {"stateMachineArn": machine, "maxResults": 2}
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.list_state_machine_versions(**kwargs)
            pages.append([v["stateMachineVersionArn"].rsplit(":", 1)[1]
                          for v in page["stateMachineVersions"]])
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(pages, [["5", "4"], ["3", "2"], ["1"]])
        self.error("InvalidToken", self.sfn.list_state_machine_versions,
                   stateMachineArn=machine, nextToken="garbage")

    def test_deleted_version_numbers_are_not_reused(self):
        machine = self.create("no-reuse", result_machine(1), publish=True)["stateMachineArn"]
        self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                      definition=json.dumps(result_machine(2)))
        self.sfn.delete_state_machine_version(stateMachineVersionArn=f"{machine}:2")
        self.assertEqual(self.versions(machine), [f"{machine}:1"])
        self.error("StateMachineDoesNotExist", self.sfn.describe_state_machine,
                   stateMachineArn=f"{machine}:2")
        third = self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                              definition=json.dumps(result_machine(3)))
        self.assertEqual(third["stateMachineVersionArn"], f"{machine}:3")

    def test_executions_on_a_version_or_alias_keep_that_definition(self):
        created = self.create("pinned", result_machine("one", wait=1), publish=True)
        machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        alias = self.sfn.create_state_machine_alias(
            name="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])[
                "stateMachineAliasArn"]
        on_version = self.sfn.start_execution(stateMachineArn=v1)["executionArn"]
        on_alias = self.sfn.start_execution(stateMachineArn=alias)["executionArn"]
        on_latest = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        # The machine changes while they run (they are all in their Wait state).
        self.sfn.update_state_machine(stateMachineArn=machine,
                                      definition=json.dumps(result_machine("two")))
        after = self.sfn.start_execution(stateMachineArn=machine)["executionArn"]
        expected = {on_version: ("one", v1, None), on_alias: ("one", v1, alias),
                    on_latest: ("one", None, None), after: ("two", None, None)}
        for arn, (output, version, via_alias) in expected.items():
            d = harness.wait_for_status(self.sfn, arn)
            self.assertEqual(d["status"], "SUCCEEDED")
            self.assertEqual(json.loads(d["output"]), output, arn)
            self.assertEqual(d["stateMachineArn"], machine)
            self.assertEqual(d.get("stateMachineVersionArn"), version)
            self.assertEqual(d.get("stateMachineAliasArn"), via_alias)
            self.assertTrue(arn.startswith(f"{harness.ARN}:execution:pinned:"))
            started = self.sfn.get_execution_history(executionArn=arn)["events"][0][
                "executionStartedEventDetails"]
            self.assertEqual(started.get("stateMachineVersionArn"), version)
            self.assertEqual(started.get("stateMachineAliasArn"), via_alias)
        for_alias = self.sfn.describe_state_machine_for_execution(executionArn=on_alias)
        self.assertEqual(json.loads(for_alias["definition"]), result_machine("one", wait=1))
        self.assertEqual(for_alias["stateMachineArn"], machine)
        self.assertNotIn("revisionId", for_alias)
        for_after = self.sfn.describe_state_machine_for_execution(executionArn=after)
        self.assertEqual(for_after["revisionId"],
                         self.sfn.describe_state_machine(stateMachineArn=machine)["revisionId"])

    def test_list_executions_by_version_or_alias_lists_only_theirs(self):
        created = self.create("by-version", result_machine("x"), publish=True)
        machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        alias = self.sfn.create_state_machine_alias(
            name="current", routingConfiguration=[{"stateMachineVersionArn": v1,
                                                   "weight": 100}])["stateMachineAliasArn"]
        plain = self.sfn.start_execution(stateMachineArn=machine, name="plain")["executionArn"]
        versioned = [self.sfn.start_execution(stateMachineArn=v1, name=f"v{i}")["executionArn"]
                     for i in range(3)]
        aliased = self.sfn.start_execution(stateMachineArn=alias, name="a0")["executionArn"]
        for arn in [plain, aliased, *versioned]:
            harness.wait_for_status(self.sfn, arn)

        def names(arn, **kwargs):
            return [e["name"] for e in self.sfn.list_executions(stateMachineArn=arn,
                                                                **kwargs)["executions"]]

        self.assertEqual(sorted(names(machine)), ["a0", "plain", "v0", "v1", "v2"])
        self.assertEqual(sorted(names(v1)), ["a0", "v0", "v1", "v2"])
        self.assertEqual(names(alias), ["a0"])
        first = self.sfn.list_executions(stateMachineArn=v1, maxResults=2)
        self.assertEqual(len(first["executions"]), 2)
        rest = self.sfn.list_executions(stateMachineArn=v1, maxResults=2,
                                        nextToken=first["nextToken"])
        both = [e["name"] for e in first["executions"] + rest["executions"]]
        self.assertEqual(sorted(both), ["a0", "v0", "v1", "v2"])
        self.assertNotIn("nextToken", rest)

    def test_alias_lifecycle(self):
        created = self.create("aliased", result_machine(1), publish=True)
        machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        v2 = self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                           definition=json.dumps(result_machine(2)))[
                                               "stateMachineVersionArn"]
        made = self.sfn.create_state_machine_alias(
            name="prod", description="production",
            routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
        alias = made["stateMachineAliasArn"]
        self.assertEqual(alias, f"{machine}:prod")
        d = self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
        self.assertEqual((d["name"], d["description"]), ("prod", "production"))
        self.assertEqual(d["routingConfiguration"],
                         [{"stateMachineVersionArn": v1, "weight": 100}])
        self.assertEqual(d["creationDate"], made["creationDate"])
        listed = self.sfn.list_state_machine_aliases(stateMachineArn=machine)
        self.assertEqual([a["stateMachineAliasArn"] for a in listed["stateMachineAliases"]],
                         [alias])

        updated = self.sfn.update_state_machine_alias(
            stateMachineAliasArn=alias,
            routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}])
        self.assertIn("updateDate", updated)
        d = self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
        self.assertEqual(d["routingConfiguration"][0]["stateMachineVersionArn"], v2)
        run = harness.wait_for_status(self.sfn, self.sfn.start_execution(
            stateMachineArn=alias)["executionArn"])
        self.assertEqual((json.loads(run["output"]), run["stateMachineVersionArn"]), (2, v2))

        self.sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
        self.error("ResourceNotFound", self.sfn.describe_state_machine_alias,
                   stateMachineAliasArn=alias)
        self.assertEqual(self.sfn.list_state_machine_aliases(
            stateMachineArn=machine)["stateMachineAliases"], [])
        self.error("ResourceNotFound", self.sfn.start_execution, stateMachineArn=alias)

    def test_split_routing_runs_both_versions(self):
        created = self.create("canary", result_machine("old"), publish=True)
        machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        v2 = self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                           definition=json.dumps(result_machine("new")))[
                                               "stateMachineVersionArn"]
        alias = self.sfn.create_state_machine_alias(
            name="split", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50},
                                                {"stateMachineVersionArn": v2, "weight": 50}])[
                                                    "stateMachineAliasArn"]
        seen = set()
        for _ in range(40):
            arn = self.sfn.start_execution(stateMachineArn=alias)["executionArn"]
            d = harness.wait_for_status(self.sfn, arn)
            seen.add((json.loads(d["output"]), d["stateMachineVersionArn"]))
            if len(seen) == 2:
                break
        self.assertEqual(seen, {("old", v1), ("new", v2)})

    def test_alias_errors(self):
        # Messages as AWS gives them (LocalStack's AWS-validated snapshot
        # tests/aws/services/stepfunctions/v2/test_sfn_api_aliasing.snapshot.json).
        created = self.create("alias-errors", result_machine(1), publish=True)
        machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        v2 = self.sfn.update_state_machine(stateMachineArn=machine, publish=True,
                                           definition=json.dumps(result_machine(2)))[
                                               "stateMachineVersionArn"]

        def refused(name, routing, message):
            self.assertEqual(self.error("ValidationException",
                                        self.sfn.create_state_machine_alias, name=name,
                                        routingConfiguration=routing), message)

        refused("half", [{"stateMachineVersionArn": v1, "weight": 70},
                         {"stateMachineVersionArn": v2, "weight": 29}],
                "Sum of routing configuration weights must equal 100. Received: [70, 29]")
        refused("heavy", [{"stateMachineVersionArn": v1, "weight": 101}],
                "1 validation error detected: Value '101' at 'routingConfiguration.1.member."
                "weight' failed to satisfy constraint: Member must have value less than or "
                "equal to 100")
        refused("twice", [{"stateMachineVersionArn": v1, "weight": 50},
                          {"stateMachineVersionArn": v1, "weight": 50}],
                f"Routing configuration must contain distinct state machine version ARNs. "
                f"Received: [{v1}, {v1}]")
        refused("unversioned", [{"stateMachineVersionArn": machine, "weight": 100}],
                f"Routing configuration must contain state machine version ARNs. "
                f"Received: [{machine}]")
        for name in ("123", "has space", "!bang", "at@"):
            message = self.error("ValidationException", self.sfn.create_state_machine_alias,
                                 name=name, routingConfiguration=[
                                     {"stateMachineVersionArn": v1, "weight": 100}])
            self.assertIn(f"Value '{name}' at 'name' failed to satisfy constraint: Member must "
                          "satisfy regular expression pattern", message)
        self.error("ResourceNotFound", self.sfn.create_state_machine_alias, name="ghost",
                   routingConfiguration=[{"stateMachineVersionArn": f"{machine}:9",
                                          "weight": 100}])

        # Idempotent for the same request; the same name otherwise is a conflict.
        routing = [{"stateMachineVersionArn": v1, "weight": 100}]
        first = self.sfn.create_state_machine_alias(name="once", routingConfiguration=routing,
                                                    description="d")
        again = self.sfn.create_state_machine_alias(name="once", routingConfiguration=routing,
                                                    description="d")
        self.assertEqual(again["stateMachineAliasArn"], first["stateMachineAliasArn"])
        conflict = ("Failed to create alias because an alias with the same name and a "
                    "different routing configuration already exists.")
        self.assertEqual(self.error("ConflictException", self.sfn.create_state_machine_alias,
                                    name="once", routingConfiguration=routing,
                                    description="other"), conflict)
        self.assertEqual(self.error("ConflictException", self.sfn.create_state_machine_alias,
                                    name="once", description="d", routingConfiguration=[
                                        {"stateMachineVersionArn": v2, "weight": 100}]),
                         conflict)

        missing = f"{machine}:nothing"
        message = self.error("ResourceNotFound", self.sfn.describe_state_machine_alias,
                             stateMachineAliasArn=missing)
        self.assertEqual(message, "Request references a resource that does not exist.")
        self.error("ResourceNotFound", self.sfn.update_state_machine_alias,
                   stateMachineAliasArn=missing, description="x")
        # Deleting an alias that is not there succeeds, as recorded on AWS.
        self.sfn.delete_state_machine_alias(stateMachineAliasArn=missing)

    def test_a_version_an_alias_uses_cannot_be_deleted(self):
        created = self.create("guarded", result_machine(1), publish=True)
        machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        alias = self.sfn.create_state_machine_alias(
            name="uses-v1", routingConfiguration=[{"stateMachineVersionArn": v1,
                                                   "weight": 100}])["stateMachineAliasArn"]
        message = self.error("ConflictException", self.sfn.delete_state_machine_version,
                             stateMachineVersionArn=v1)
        # AWS's message, as recorded, names the aliases by name.
        self.assertEqual(message, "Version to be deleted must not be referenced by an alias. "
                                  "Current list of aliases referencing this version: [uses-v1]")
        self.assertEqual(self.versions(machine), [v1])
        self.sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
        self.sfn.delete_state_machine_version(stateMachineVersionArn=v1)
        self.assertEqual(self.versions(machine), [])
        self.error("InvalidArn", self.sfn.delete_state_machine_version,
                   stateMachineVersionArn=machine)


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
