import "server-only";
import type { ApiClient } from "@honeydue/api-client";
import { notFound, redirect } from "next/navigation";
import { strings } from "../strings.ts";
import type { MeterChoice } from "./recurrence.ts";

/**
 * What every task screen of one residence needs beside the task: the member's locale, the residence (name,
 * currency, the member's role), its members (assignees) and contractors. A residence that is not the member's
 * answers 404, as the API does.
 */
export async function residenceContext(api: ApiClient, residenceId: string) {
  const path = { residenceId };
  const [me, residence, members, contractors] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path } }),
    api.GET("/v1/residences/{residenceId}/members", { params: { path } }),
    api.GET("/v1/residences/{residenceId}/contractors", { params: { path, query: { limit: 100 } } }),
  ]);
  if (me.response.status === 401) redirect("/sign-in?next=/tasks");
  if (residence.response.status === 404 || residence.response.status === 400) notFound();
  if (!me.data || !residence.data || !members.data || !contractors.data) {
    console.error(
      `residence context: API answered ${me.response.status}/${residence.response.status}/${members.response.status}/${contractors.response.status}`,
    );
    throw new Error(strings.errors.unreachable);
  }
  return {
    locale: me.data.locale || "en",
    me: me.data,
    residence: residence.data,
    members: members.data.items,
    contractors: contractors.data.items,
    canEdit: residence.data.role !== "viewer",
  };
}

export type ResidenceContext = Awaited<ReturnType<typeof residenceContext>>;

/** The residence's meters as the task form offers them for a schedule by use. */
export async function meterChoices(api: ApiClient, residenceId: string): Promise<MeterChoice[]> {
  const list = await api.GET("/v1/residences/{residenceId}/meters", { params: { path: { residenceId } } });
  if (!list.data) {
    console.error(`meter choices: API answered ${list.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  return list.data.items.map((m) => ({ id: m.id, name: m.name, unit: strings.meters.units[m.unit] }));
}
