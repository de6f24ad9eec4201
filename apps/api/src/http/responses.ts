import Type from "typebox";

/** Response schemas for the problem statuses a route can answer with, referencing the shared Problem. */
export function problems(...statuses: number[]) {
  const out: Record<number, ReturnType<typeof Type.Ref>> = {};
  for (const status of statuses) out[status] = Type.Ref("Problem");
  return out;
}

/** A 200 whose body is a file's bytes in the file's own content type (not JSON). */
export function binaryDownload(description: string) {
  return {
    description,
    content: { "*/*": { schema: Type.Unsafe<unknown>({ type: "string", format: "binary" }) } },
  };
}
