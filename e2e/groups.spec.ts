import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

// The dev database is shared: every name here carries this run's suffix.
const suffix = Date.now().toString(36).toUpperCase();

// Whatever a failed test left behind goes, sub-groups before their parents.
test.afterEach(async ({ page }) => {
  const groups = await page.request.get("/api/v1/groups");
  if (!groups.ok()) return;
  const ours = ((await groups.json()) as { data: { id: number; code: string; parentId: number | null }[] }).data.filter((group) => group.code.endsWith(suffix));
  for (const group of ours.sort((a, b) => Number(ours.some((other) => other.parentId === a.id)) - Number(ours.some((other) => other.parentId === b.id)))) {
    await page.request.delete(`/api/v1/groups/${group.id}`);
  }
  const tags = ((await (await page.request.get("/api/v1/tags")).json()) as { data: { id: number; name: string }[] }).data;
  for (const tag of tags.filter((listed) => listed.name.toUpperCase().includes(suffix))) await page.request.delete(`/api/v1/tags/${tag.id}`);
});

test("a farm manager organises the parlour's milk meters into a group", async ({ page }) => {
  await signIn(page, "manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups & tags" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Groups & tags" }).filter({ visible: true })).toBeVisible();
  await page.getByRole("link", { name: "New group" }).filter({ visible: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New group" }).filter({ visible: true })).toBeVisible();

  // A manager's groups belong to their farm: no cross-farm choice.
  const farm = page.getByRole("main").getByLabel("Farm", { exact: true }).filter({ visible: true });
  await expect(farm.getByRole("option")).toHaveText(["Green Valley Dairy (GVD)"]);

  const name = `Rotary parlour ${suffix}`;
  await page.getByLabel("Name").filter({ visible: true }).fill(name);
  await page.getByLabel("Code").filter({ visible: true }).fill("rotary parlour!");
  // Options are indented by depth; pick the parlour by its code.
  const parent = page.getByLabel("Parent group");
  await parent.selectOption((await parent.locator("option", { hasText: "(GVD-PARLOUR)" }).getAttribute("value"))!);
  await page.getByLabel("Device type filter").filter({ visible: true }).selectOption({ label: "Milk Meter" });
  await page.getByLabel("Offline alert threshold (devices)").filter({ visible: true }).fill("2");
  await page.getByRole("button", { name: "Create group" }).click();

  // The wrong code is explained beside its field, and what was typed stays.
  const code = page.getByLabel("Code");
  await expect(code).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Use letters, digits, - and _ only (e.g. GVD-PARLOUR)").filter({ visible: true })).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue(name);

  await code.fill(`gvd-rotary-${suffix}`);
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page).toHaveURL(/\/groups$/);

  // The new group hangs under the parlour, with its type filter, settings and (no) devices.
  const parlour = page.getByRole("listitem", { name: "Milking parlour" }).filter({ hasText: "GVD-PARLOUR" });
  const row = parlour.getByRole("listitem", { name });
  await expect(row).toBeVisible();
  await expect(row).toContainText(`GVD-ROTARY-${suffix}`);
  await expect(row).toContainText("Milk Meter");
  await expect(row).toContainText("alert at 2 offline");
  await expect(row).toContainText("0 devices");

  const viewDevices = row.getByRole("link", { name: /View devices/ });
  const href = await viewDevices.getAttribute("href");
  const id = href?.match(/group=(\d+)$/)?.[1];
  expect(id).toBeTruthy();

  // The same group, as the API shows it.
  const viaApi = await page.request.get(`/api/v1/groups/${id}`);
  expect(await viaApi.json()).toMatchObject({ name, code: `GVD-ROTARY-${suffix}`, deviceTypeFilter: "milk_meter", farm: { code: "GVD" } });

  await viewDevices.click();
  await expect(page).toHaveURL(new RegExp(`/devices\\?group=${id}$`));

  // Back on the tree, the empty group can be deleted after a confirmation.
  await page.goto("/groups");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("listitem", { name }).getByRole("button", { name: /Delete/ }).click();
  await expect(page.getByRole("listitem", { name })).toHaveCount(0);
});

test("a group that still holds devices is not deleted, and the tree says why", async ({ page }) => {
  await signIn(page, "manager");
  const name = `Dry cows ${suffix}`;
  const created = await page.request.post("/api/v1/groups", { data: { name, code: `GVD-DRY-${suffix}` } });
  expect(created.status()).toBe(201);
  const group = (await created.json()) as { id: number };
  const child = await page.request.post("/api/v1/groups", { data: { name: `Dry cows pen ${suffix}`, code: `GVD-DRY-PEN-${suffix}`, parentId: group.id } });
  expect(child.status()).toBe(201);

  await page.goto("/groups");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("listitem", { name }).getByRole("button", { name: `Delete ${name}` }).click();
  await expect(page.getByRole("alert").filter({ hasText: "still holds 1 sub-group" })).toBeVisible();
  await expect(page.getByRole("listitem", { name })).toBeVisible();

  // Once the sub-group is gone, the group can go too.
  expect((await page.request.delete(`/api/v1/groups/${((await child.json()) as { id: number }).id}`)).status()).toBe(200);
  expect((await page.request.delete(`/api/v1/groups/${group.id}`)).status()).toBe(200);
});

test("a manager adds a coloured tag, renames it and deletes it", async ({ page }) => {
  await signIn(page, "manager");
  await page.goto("/groups");
  const tags = page.getByRole("list", { name: "Tags" });
  const name = `fresh-cows-${suffix.toLowerCase()}`;

  await page.getByLabel("Tag name").filter({ visible: true }).fill(name);
  await page.getByRole("radio", { name: "Teal" }).check({ force: true });
  await page.getByRole("button", { name: "Add tag" }).click();
  const tag = tags.getByRole("listitem", { name });
  await expect(tag).toBeVisible();
  await expect(tag.getByRole("link", { name: /0 devices/ })).toHaveAttribute("href", /\/devices\?tag=\d+$/);

  // The same name in capitals is the same tag.
  await page.getByLabel("Tag name").filter({ visible: true }).fill(name.toUpperCase());
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByText(`“${name}” already exists`).filter({ visible: true })).toBeVisible();

  await tag.getByRole("button", { name: /Edit/ }).click();
  await tag.getByLabel("Tag name").filter({ visible: true }).fill(`${name}-renamed`);
  await tag.getByRole("button", { name: "Save tag" }).click();
  const renamed = tags.getByRole("listitem", { name: `${name}-renamed` });
  await expect(renamed).toBeVisible();

  await renamed.getByRole("button", { name: /Edit/ }).click();
  page.once("dialog", (dialog) => dialog.accept());
  await renamed.getByRole("button", { name: "Delete tag" }).click();
  await expect(renamed).toHaveCount(0);
});
