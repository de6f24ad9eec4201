import Type from "typebox";

/** Response schemas for the problem statuses a route can answer with, referencing the shared Problem. */
export function problems(...statuses: number[]) {
  const out: Record<number, ReturnType<typeof Type.Ref>> = {};
  for (const status of statuses) out[status] = Type.Ref("Problem");
  return out;
}
