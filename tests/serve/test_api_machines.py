"""State machines through boto3: create (idempotent, InvalidDefinition, StateMachineAlreadyExists),
describe, update, delete, list with pagination, tags, ValidateStateMachineDefinition and TestState,
checked against what AWS answers (tests/serve/harness.py starts `baton serve`)."""

import json
import unittest

from botocore.exceptions import ClientError

import harness

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
OTHER = {"StartAt": "Q", "States": {"Q": {"Type": "Pass", "Result": 1, "End": True}}}


class ApiTest(harness.ServerTest):
    """One server for the class; helpers shared by the tests."""

    def create(self, name, definition=PASS, **kwargs):
        return self.sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=harness.ROLE,
            **kwargs)["stateMachineArn"]


class StateMachineTest(ApiTest):

    def test_create_returns_arn_and_is_idempotent_for_the_same_request(self):
        first = self.sfn.create_state_machine(name="idem", definition=json.dumps(PASS),
                                              roleArn=harness.ROLE)
        self.assertEqual(first["stateMachineArn"], harness.machine_arn("idem"))
        again = self.sfn.create_state_machine(name="idem", definition=json.dumps(PASS),
                                              roleArn=harness.ROLE)
        self.assertEqual(again["stateMachineArn"], first["stateMachineArn"])
        self.assertEqual(again["creationDate"], first["creationDate"])
        self.assertNotIn("stateMachineVersionArn", first)

    def test_same_name_with_another_definition_is_state_machine_already_exists(self):
        arn = self.create("taken")
        message = self.error("StateMachineAlreadyExists", self.sfn.create_state_machine,
                             name="taken", definition=json.dumps(OTHER), roleArn=harness.ROLE)
        self.assertIn(arn, message)
        other_role = f"arn:aws:iam::{harness.ACCOUNT}:role/other"
        self.error("StateMachineAlreadyExists", self.sfn.create_state_machine, name="taken",
                   definition=json.dumps(PASS), roleArn=other_role)

    def test_bad_asl_is_invalid_definition_with_its_diagnostics(self):
        bad = {"StartAt": "Missing", "States": {"P": {"Type": "Pass", "End": True}}}
        message = self.error("InvalidDefinition", self.sfn.create_state_machine, name="bad",
                             definition=json.dumps(bad), roleArn=harness.ROLE)
        self.assertTrue(message.startswith("Invalid State Machine Definition: '"), message)
        self.assertIn("MISSING_TRANSITION_TARGET", message)
        self.assertIn("/StartAt", message)
        wrong_type = {"StartAt": "P", "States": {"P": {"Type": "Passs", "End": True}}}
        message = self.error("InvalidDefinition", self.sfn.create_state_machine, name="bad",
                             definition=json.dumps(wrong_type), roleArn=harness.ROLE)
        self.assertIn("SCHEMA_VALIDATION_FAILED", message)
        self.assertIn("/States/P/Type", message)
        self.error("InvalidDefinition", self.sfn.create_state_machine, name="bad",
                   definition="{not json", roleArn=harness.ROLE)
        # Nothing was created.
        self.error("StateMachineDoesNotExist", self.sfn.describe_state_machine,
                   stateMachineArn=harness.machine_arn("bad"))

    def test_create_checks_name_role_and_type(self):
        self.error("InvalidName", self.sfn.create_state_machine, name="has space",
                   definition=json.dumps(PASS), roleArn=harness.ROLE)
        self.error("InvalidArn", self.sfn.create_state_machine, name="norole",
                   definition=json.dumps(PASS), roleArn="not-a-role")
        self.error("ValidationException", self.sfn.create_state_machine, name="badtype",
                   definition=json.dumps(PASS), roleArn=harness.ROLE, type="SIDEWAYS")

    def test_describe_shows_what_was_created(self):
        arn = self.create("described", type="EXPRESS")
        d = self.sfn.describe_state_machine(stateMachineArn=arn)
        self.assertEqual(d["stateMachineArn"], arn)
        self.assertEqual(d["name"], "described")
        self.assertEqual(d["status"], "ACTIVE")
        self.assertEqual(d["type"], "EXPRESS")
        self.assertEqual(json.loads(d["definition"]), PASS)
        self.assertEqual(d["roleArn"], harness.ROLE)
        # AWS gives a state machine a revision id at its first update, not before.
        self.assertNotIn("revisionId", d)
        self.assertIn("creationDate", d)
        self.assertEqual(d["loggingConfiguration"]["level"], "OFF")
        self.assertEqual(d["tracingConfiguration"], {"enabled": False})

    def test_describe_unknown_is_state_machine_does_not_exist_and_bad_arn_invalid_arn(self):
        arn = harness.machine_arn("never-made")
        message = self.error("StateMachineDoesNotExist", self.sfn.describe_state_machine,
                             stateMachineArn=arn)
        self.assertEqual(message, f"State Machine Does Not Exist: '{arn}'")
        self.error("InvalidArn", self.sfn.describe_state_machine, stateMachineArn="never-made")
        self.error("InvalidArn", self.sfn.describe_state_machine,
                   stateMachineArn=harness.activity_arn("act"))

    def test_update_changes_definition_and_role_with_a_new_revision(self):
        arn = self.create("updated")
        before = self.sfn.describe_state_machine(stateMachineArn=arn)
        updated = self.sfn.update_state_machine(stateMachineArn=arn,
                                                definition=json.dumps(OTHER))
        self.assertIn("updateDate", updated)
        self.assertNotIn("revisionId", before)
        self.assertTrue(updated["revisionId"])
        after = self.sfn.describe_state_machine(stateMachineArn=arn)
        self.assertEqual(json.loads(after["definition"]), OTHER)
        self.assertEqual(after["revisionId"], updated["revisionId"])
        self.assertEqual(after["creationDate"], before["creationDate"])

        role = f"arn:aws:iam::{harness.ACCOUNT}:role/second"
        again = self.sfn.update_state_machine(stateMachineArn=arn, roleArn=role)
        self.assertNotEqual(again["revisionId"], updated["revisionId"])
        after = self.sfn.describe_state_machine(stateMachineArn=arn)
        self.assertEqual(after["roleArn"], role)
        self.assertEqual(json.loads(after["definition"]), OTHER)
        # An update that changes nothing keeps the revision.
        same = self.sfn.update_state_machine(stateMachineArn=arn, roleArn=role,
                                             definition=json.dumps(OTHER))
        self.assertEqual(same["revisionId"], again["revisionId"])

    def test_version_description_needs_publish(self):
        message = self.error("ValidationException", self.sfn.create_state_machine,
                             name="described-version", definition=json.dumps(PASS),
                             roleArn=harness.ROLE, versionDescription="v1")
        self.assertEqual(message, "Version description can only be set when publish is true")
        arn = self.create("described-version")
        self.error("ValidationException", self.sfn.update_state_machine, stateMachineArn=arn,
                   definition=json.dumps(OTHER), versionDescription="v2")

    def test_update_needs_something_to_change_and_a_valid_definition(self):
        arn = self.create("update-checks")
        message = self.error("MissingRequiredParameter", self.sfn.update_state_machine,
                             stateMachineArn=arn)
        self.assertIn("must be specified", message)
        self.error("InvalidDefinition", self.sfn.update_state_machine, stateMachineArn=arn,
                   definition=json.dumps({"StartAt": "X", "States": {}}))
        self.error("InvalidArn", self.sfn.update_state_machine, stateMachineArn=arn,
                   roleArn="nope")
        self.error("StateMachineDoesNotExist", self.sfn.update_state_machine,
                   stateMachineArn=harness.machine_arn("update-none"),
                   definition=json.dumps(PASS))
        self.assertEqual(json.loads(self.sfn.describe_state_machine(
            stateMachineArn=arn)["definition"]), PASS)

    def test_delete_removes_it_and_deleting_an_unknown_one_succeeds(self):
        arn = self.create("deleted")
        self.sfn.delete_state_machine(stateMachineArn=arn)
        self.error("StateMachineDoesNotExist", self.sfn.describe_state_machine,
                   stateMachineArn=arn)
        names = [m["name"] for m in self.list_all()]
        self.assertNotIn("deleted", names)
        # AWS answers 200 for a well-formed ARN it does not know.
        self.sfn.delete_state_machine(stateMachineArn=harness.machine_arn("deleted"))
        self.error("InvalidArn", self.sfn.delete_state_machine, stateMachineArn="deleted")
        # The name is free again.
        self.assertEqual(self.create("deleted", OTHER), arn)

    def list_all(self, page_size=None):
        items, token = [], None
        while True:
            kwargs = {}
            if page_size:
                kwargs["maxResults"] = page_size
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.list_state_machines(**kwargs)
            items.extend(page["stateMachines"])
            token = page.get("nextToken")
            if not token:
                return items


class ListStateMachinesTest(ApiTest):

    def test_pages_of_three_cover_seven_machines_once_in_name_order(self):
        # Made out of name order: AWS lists by name ("page-1" < "page-10" < "page-2").
        names = ["page-2", "page-10", "page-b", "page-1", "page-a", "page-3", "page-0"]
        made = [self.create(name) for name in names]
        pages, token = [], None
        while True:
            kwargs = {"maxResults": 3}
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.list_state_machines(**kwargs)
            self.assertLessEqual(len(page["stateMachines"]), 3)
            pages.append(page["stateMachines"])
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual([len(p) for p in pages], [3, 3, 1])
        listed = [m["stateMachineArn"] for p in pages for m in p]
        self.assertEqual(sorted(listed), sorted(made))
        self.assertEqual([m["name"] for p in pages for m in p], sorted(names))
        item = pages[0][0]
        self.assertEqual(set(item), {"stateMachineArn", "name", "type", "creationDate"})
        self.assertEqual(item["type"], "STANDARD")
        # Without maxResults one page holds them all.
        self.assertEqual(len(self.sfn.list_state_machines()["stateMachines"]), 7)

    def test_a_token_it_never_gave_is_invalid_token(self):
        self.error("InvalidToken", self.sfn.list_state_machines, nextToken="not-a-token")
        self.error("InvalidToken", self.sfn.list_state_machines, nextToken="bm90aGluZw==")

    def test_max_results_over_1000_is_a_validation_error(self):
        message = self.error("ValidationException", self.sfn.list_state_machines,
                             maxResults=1001)
        self.assertIn("maxResults", message)
        self.error("ValidationException", self.sfn.list_activities, maxResults=1001)


class TagsTest(ApiTest):

    def test_tag_list_untag_on_a_state_machine(self):
        arn = self.create("tagged", tags=[{"key": "team", "value": "core"}])
        tags = self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]
        self.assertEqual(tags, [{"key": "team", "value": "core"}])
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"},
                                                     {"key": "team", "value": "edge"}])
        tags = {t["key"]: t["value"] for t in
                self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
        self.assertEqual(tags, {"team": "edge", "env": "dev"})
        self.sfn.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"],
                         [{"key": "env", "value": "dev"}])

    def test_tags_on_an_activity(self):
        arn = self.sfn.create_activity(name="tagged-activity",
                                       tags=[{"key": "a", "value": "1"}])["activityArn"]
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}])
        tags = {t["key"]: t["value"] for t in
                self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
        self.assertEqual(tags, {"a": "1", "b": "2"})

    def test_more_than_50_tags_is_too_many_tags_and_keeps_the_old_ones(self):
        arn = self.create("crowded")
        self.sfn.tag_resource(resourceArn=arn,
                              tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
        self.assertEqual(len(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]), 50)
        # Retagging an existing key is no new tag.
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "k0", "value": "w"}])
        message = self.error("TooManyTags", self.sfn.tag_resource, resourceArn=arn,
                             tags=[{"key": "one-more", "value": "v"}])
        self.assertIn(arn, message)
        tags = {t["key"]: t["value"] for t in
                self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
        self.assertEqual(len(tags), 50)
        self.assertNotIn("one-more", tags)
        self.assertEqual(tags["k0"], "w")
        self.error("TooManyTags", self.sfn.create_state_machine, name="born-crowded",
                   definition=json.dumps(PASS), roleArn=harness.ROLE,
                   tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])

    def test_unknown_resource_is_resource_not_found_and_bad_arn_invalid_arn(self):
        unknown = harness.machine_arn("no-such-machine")
        for call, kwargs in ((self.sfn.list_tags_for_resource, {}),
                             (self.sfn.tag_resource, {"tags": [{"key": "k", "value": "v"}]}),
                             (self.sfn.untag_resource, {"tagKeys": ["k"]})):
            self.error("ResourceNotFound", call, resourceArn=unknown, **kwargs)
        self.error("ResourceNotFound", self.sfn.list_tags_for_resource,
                   resourceArn=harness.activity_arn("no-such-activity"))
        self.error("InvalidArn", self.sfn.list_tags_for_resource, resourceArn="nope")


class ValidateTest(ApiTest):

    def test_a_good_definition_is_ok_with_no_diagnostics(self):
        r = self.sfn.validate_state_machine_definition(definition=json.dumps(PASS))
        self.assertEqual(r["result"], "OK")
        self.assertEqual(r["diagnostics"], [])

    def test_a_bad_definition_is_fail_with_located_diagnostics(self):
        bad = {"StartAt": "P", "States": {"P": {"Type": "Passs", "End": True}}}
        r = self.sfn.validate_state_machine_definition(definition=json.dumps(bad))
        self.assertEqual(r["result"], "FAIL")
        self.assertEqual(len(r["diagnostics"]), 1)
        d = r["diagnostics"][0]
        self.assertEqual(d["severity"], "ERROR")
        self.assertEqual(d["code"], "SCHEMA_VALIDATION_FAILED")
        self.assertEqual(d["location"], "/States/P/Type")
        self.assertTrue(d["message"])

    def test_not_json_is_fail_with_invalid_json_description(self):
        r = self.sfn.validate_state_machine_definition(definition="{not json")
        self.assertEqual(r["result"], "FAIL")
        self.assertEqual(r["diagnostics"][0]["code"], "INVALID_JSON_DESCRIPTION")

    def test_the_type_decides_what_is_valid(self):
        callback = {"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": True}}}
        self.assertEqual(self.sfn.validate_state_machine_definition(
            definition=json.dumps(callback))["result"], "OK")
        r = self.sfn.validate_state_machine_definition(definition=json.dumps(callback),
                                                       type="EXPRESS")
        self.assertEqual(r["result"], "FAIL")
        self.assertEqual(r["diagnostics"][0]["location"], "/States/T/Resource")

    def test_max_results_truncates_the_diagnostics(self):
        bad = {"StartAt": "A", "States": {name: {"Type": "Passs", "End": True}
                                          for name in ("A", "B", "C")}}
        r = self.sfn.validate_state_machine_definition(definition=json.dumps(bad), maxResults=1)
        self.assertEqual(r["result"], "FAIL")
        self.assertEqual(len(r["diagnostics"]), 1)
        self.assertTrue(r["truncated"])


class TestStateTest(ApiTest):

    def test_a_pass_state_runs_alone_and_names_its_next_state(self):
        state = {"Type": "Pass", "Parameters": {"x.$": "$.a"}, "ResultPath": "$.r",
                 "Next": "After"}
        r = self.sfn.test_state(definition=json.dumps(state), input='{"a": 1}',
                                roleArn=harness.ROLE)
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"a": 1, "r": {"x": 1}})
        self.assertEqual(r["nextState"], "After")
        self.assertNotIn("inspectionData", r)

    def test_a_task_with_a_mocked_result_goes_through_result_selector(self):
        state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                 "ResultSelector": {"p.$": "$.Payload"}, "End": True}
        r = self.sfn.test_state(definition=json.dumps(state), input='{"a": 1}',
                                mock={"result": '{"Payload": {"b": 2}}'},
                                inspectionLevel="DEBUG")
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"p": {"b": 2}})
        inspection = r["inspectionData"]
        self.assertEqual(json.loads(inspection["input"]), {"a": 1})
        self.assertEqual(json.loads(inspection["afterParameters"]),
                         {"FunctionName": "f", "Payload": {"a": 1}})
        self.assertEqual(json.loads(inspection["result"]), {"Payload": {"b": 2}})

    def test_a_mocked_error_is_failed_caught_or_retriable(self):
        task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"}, "End": True}
        error = {"errorOutput": {"error": "Oops", "cause": "it broke"}}
        r = self.sfn.test_state(definition=json.dumps(task), input="{}", mock=error)
        self.assertEqual((r["status"], r["error"], r["cause"]), ("FAILED", "Oops", "it broke"))
        caught = dict(task, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handler"}])
        r = self.sfn.test_state(definition=json.dumps(caught), input="{}", mock=error)
        self.assertEqual(r["status"], "CAUGHT_ERROR")
        self.assertEqual(r["nextState"], "Handler")
        self.assertEqual(json.loads(r["output"]), {"Error": "Oops", "Cause": "it broke"})
        retried = dict(task, Retry=[{"ErrorEquals": ["Oops"]}])
        r = self.sfn.test_state(definition=json.dumps(retried), input="{}", mock=error)
        self.assertEqual((r["status"], r["error"]), ("RETRIABLE", "Oops"))

    def test_a_state_of_a_whole_machine_by_name(self):
        machine = {"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Result": {"from": "B"}, "End": True}}}
        r = self.sfn.test_state(definition=json.dumps(machine), stateName="B", input="{}")
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"from": "B"})

    def test_a_mock_on_a_pass_state_is_refused(self):
        message = self.error("ValidationException", self.sfn.test_state,
                             definition=json.dumps({"Type": "Pass", "End": True}), input="{}",
                             mock={"result": "{}"})
        self.assertIn("State type 'Pass' is not supported when a mock is specified", message)

    def test_bad_input_and_bad_definition(self):
        self.error("InvalidExecutionInput", self.sfn.test_state,
                   definition=json.dumps({"Type": "Pass", "End": True}), input="not json")
        self.error("InvalidDefinition", self.sfn.test_state, definition="{bad")


if __name__ == "__main__":
    BATON = harness.baton_binary()
    unittest.main()
