import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type EscalationStepRule,
  escalationMessage,
  inSendingWindow,
  reachedSteps,
  validateEscalationSteps,
} from "../src/escalation.ts";

const step = (notify: EscalationStepRule["notify"], normal: number | null, high: number | null = null) => ({
  notify,
  afterDays: { low: null, normal, high, urgent: null },
});

test("reachedSteps: the steps whose days (for the task's priority) have passed", () => {
  const steps = [step("assignee", 2, 1), step("owners", 5, null)];
  assert.deepEqual(reachedSteps(steps, "normal", 1), []);
  assert.deepEqual(reachedSteps(steps, "normal", 2), [0]);
  assert.deepEqual(reachedSteps(steps, "normal", 9), [0, 1]);
  assert.deepEqual(reachedSteps(steps, "high", 9), [0], "the owners' step is not for high priority");
  assert.deepEqual(reachedSteps(steps, "low", 30), []);
});

test("inSendingWindow: from the digest hour until 21:00 local; a late digest hour gets its own hour", () => {
  assert.equal(inSendingWindow(6, 7), false);
  assert.equal(inSendingWindow(7, 7), true);
  assert.equal(inSendingWindow(20, 7), true);
  assert.equal(inSendingWindow(21, 7), false);
  assert.equal(inSendingWindow(2, 7), false);
  assert.equal(inSendingWindow(22, 22), true);
  assert.equal(inSendingWindow(23, 22), false);
});

test("validateEscalationSteps: names the field at fault", () => {
  assert.equal(validateEscalationSteps([step("assignee", 2), step("owners", 4)]), null);
  assert.deepEqual(validateEscalationSteps([step("assignee", 4), step("owners", 4)]), [
    "steps.1.afterDays.normal",
    "must be more days than every earlier step's for this priority",
  ]);
  assert.equal(validateEscalationSteps([step("member", 3)])?.[0], "steps.0.memberId");
  assert.equal(validateEscalationSteps([step("owners", null)])?.[0], "steps.0.afterDays");
  assert.equal(validateEscalationSteps([step("owners", 0)])?.[0], "steps.0.afterDays.normal");
  assert.equal(
    validateEscalationSteps(Array.from({ length: 6 }, (_, i) => step("owners", i + 1)))?.[0],
    "steps",
  );
});

test("escalationMessage: the assignee is reminded, others are told who it is assigned to", () => {
  const e = { taskTitle: "Replace smoke alarm batteries", daysOverdue: 5, assigneeName: "Sam" };
  assert.equal(
    escalationMessage({ ...e, toAssignee: false }),
    "“Replace smoke alarm batteries” is 5 days overdue — assigned to Sam",
  );
  assert.equal(
    escalationMessage({ ...e, toAssignee: true }),
    "Reminder: “Replace smoke alarm batteries” is 5 days overdue",
  );
  assert.equal(
    escalationMessage({ ...e, daysOverdue: 1, assigneeName: null, toAssignee: false }),
    "“Replace smoke alarm batteries” is 1 day overdue — not assigned to anyone",
  );
});
