import assert from "node:assert/strict";
import { test } from "node:test";
import { assertFitsPhone, signIn, signUpMember, startWebStack } from "./support.ts";

// At a 360 px phone width no signed-in screen scrolls sideways: document.documentElement.scrollWidth stays
// within window.innerWidth on the home list, a residence's list, a task's page with its history, the task
// form and the account, notification and member screens.
test("the signed-in screens fit a 360 px phone without sideways scrolling", async (t) => {
  const stack = await startWebStack(t);
  if (!stack) return;
  const { web, browser } = stack;
  const member = { email: "pat@responsive.example.test", password: "pat's long passphrase" };
  const { post } = await signUpMember(stack, {
    ...member,
    name: "Pat Phone",
    timezone: "America/Argentina/ComodRivadavia",
  });
  const residence = await post<{ id: string }>("/v1/residences", {
    name: "The Old Rectory at Long Melford",
    propertyType: "house",
  });
  const contractor = await post<{ id: string }>(`/v1/residences/${residence.id}/contractors`, {
    name: "Wolfeschlegelsteinhausenbergerdorff Heating and Plumbing",
    trades: ["hvac", "plumbing"],
  });
  const task = await post<{ id: string; dueOn: string | null }>(`/v1/residences/${residence.id}/tasks`, {
    title: "Service the condensing boiler and bleed every radiator",
    notes: "Book https://example.test/a-very-long-booking-link-without-any-breaks-in-it-at-all for the visit",
    category: "hvac",
    recurrence: { kind: "fixed", interval: 1, unit: "year" },
    contractorId: contractor.id,
    estimatedCostCents: 1234567,
  });
  await post(`/v1/tasks/${task.id}/complete`, {
    dueOn: task.dueOn,
    costCents: 1234567,
    contractorId: contractor.id,
  });

  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "en-US" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await signIn(stack, page, member);

  const screens: [string, string][] = [
    ["home", "/tasks"],
    ["residence list", `/residences/${residence.id}`],
    ["task", `/tasks/${task.id}`],
    ["task form", `/residences/${residence.id}/tasks/new`],
    ["task edit", `/tasks/${task.id}/edit`],
    ["contractor", `/residences/${residence.id}/contractors/${contractor.id}`],
    ["account", "/account"],
    ["notifications", "/notifications"],
    ["members", `/residences/${residence.id}/members`],
    ["join", "/residences/join"],
  ];
  const failures: string[] = [];
  for (const [name, path] of screens) {
    const answer = await page.goto(`${web}${path}`);
    assert.equal(answer?.status(), 200, `${name}: ${path} answers`);
    await page.waitForLoadState("networkidle");
    try {
      await assertFitsPhone(page, name);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  assert.deepEqual(failures, []);
});
