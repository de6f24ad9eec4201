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
    ["contractors", `/residences/${residence.id}/contractors`],
    ["documents", `/residences/${residence.id}/documents`],
    ["appliances", `/residences/${residence.id}/appliances`],
    ["meters", `/residences/${residence.id}/meters`],
    ["escalation", `/residences/${residence.id}/escalation`],
    ["history", `/residences/${residence.id}/history`],
    ["handover", `/residences/${residence.id}/handover`],
    ["templates", `/residences/${residence.id}/templates`],
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

  // A long template title does not squeeze its checkbox: every one is the same full size (they shrank
  // to 13-17 px beside a two-line title).
  await page.goto(`${web}/residences/${residence.id}/templates`);
  const boxes = await page
    .locator(".template input[type=checkbox]")
    .evaluateAll((inputs) => inputs.map((input) => Math.round(input.getBoundingClientRect().width)));
  assert.ok(boxes.length > 1, "the catalog lists templates");
  assert.deepEqual([...new Set(boxes)], [20], "every template's checkbox is 1.25rem wide");

  // A residence's links take one row on a phone: the row scrolls sideways on its own (the page does not),
  // the current screen's link is in view, and the keyboard reaches every link, each scrolled into view.
  for (const [name, path] of [
    ["residence-nav-list", `/residences/${residence.id}`],
    ["residence-nav-escalation", `/residences/${residence.id}/escalation`],
  ] as const) {
    await page.goto(`${web}${path}`);
    const nav = page.getByRole("navigation", { name: "This residence" });
    await nav.waitFor();
    await stack.check(page, name);
    const row = await nav.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const links = [...element.querySelectorAll("a")].map((a) => a.getBoundingClientRect());
      const current = element.querySelector('a[aria-current="page"]')?.getBoundingClientRect();
      return {
        height: box.height,
        tallestLink: Math.max(...links.map((link) => link.height)),
        rows: new Set(links.map((link) => Math.round(link.top))).size,
        scrolls: element.scrollWidth > element.clientWidth,
        currentInView: !!current && current.left >= box.left - 0.5 && current.right <= box.right + 0.5,
      };
    });
    assert.equal(row.rows, 1, `${name}: the residence's links in one row`);
    assert.ok(row.height < 1.5 * row.tallestLink, `${name}: the nav is ${row.height} px tall`);
    assert.ok(row.scrolls, `${name}: the row scrolls sideways (more links than fit 360 px)`);
    assert.ok(row.currentInView, `${name}: the current screen's link is in view`);
    await assertFitsPhone(page, name);
  }
  await page.goto(`${web}/residences/${residence.id}`);
  const links = page.getByRole("navigation", { name: "This residence" }).getByRole("link");
  const count = await links.count();
  await links.first().focus();
  for (let i = 1; i < count; i++) await page.keyboard.press("Tab");
  const last = links.last();
  assert.equal(
    await last.evaluate((link) => link === document.activeElement),
    true,
    "Tab reaches the last link",
  );
  assert.equal(
    await last.evaluate((link) => {
      const nav = link.closest("nav")?.getBoundingClientRect();
      const box = link.getBoundingClientRect();
      return !!nav && box.left >= nav.left - 0.5 && box.right <= nav.right + 0.5;
    }),
    true,
    "the focused link is scrolled into view",
  );
});
