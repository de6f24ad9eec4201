import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FILE_TEST_ENV, fileSuite } from "./files-suite.ts";
import { multipart, PDF } from "./files-support.ts";
import { createHousehold } from "./fixtures.ts";
import { startTestApi } from "./support.ts";

// The local driver (the embedded default): objects in DATA_DIR/uploads, presigned URLs back to the API.
const dataDir = await mkdtemp(join(tmpdir(), "honeydue-files-"));
const api = await startTestApi({ ...FILE_TEST_ENV, DATA_DIR: dataDir });
await fileSuite(api);

// A residence's storage quota, on an API of its own with a 4 KB quota.
const quota = await startTestApi({
  ...FILE_TEST_ENV,
  DATA_DIR: dataDir,
  RESIDENCE_STORAGE_QUOTA_BYTES: "4096",
});
test("[local] uploads beyond the residence's quota are refused with 413", async () => {
  const { residence, member } = await createHousehold(quota.deps);
  const pdf = (bytes: number) => Buffer.concat([PDF, Buffer.alloc(bytes - PDF.length, 0x20)]);
  const send = (data: Buffer) => {
    const body = multipart(
      { purpose: "document", residenceId: residence.id },
      { filename: "d.pdf", contentType: "application/pdf", data },
    );
    return quota.app.inject({
      method: "POST",
      url: "/v1/uploads",
      headers: { ...member.auth, ...body.headers },
      payload: body.payload,
    });
  };
  assert.equal((await send(pdf(3000))).statusCode, 201);
  const over = await send(pdf(1500));
  assert.equal(over.statusCode, 413, over.body);
  assert.equal(over.json().type, "https://docs.honeydue.app/problems/storage-quota-exceeded");
  const presign = await quota.app.inject({
    method: "POST",
    url: "/v1/uploads/presign",
    headers: member.auth,
    payload: { purpose: "document", contentType: "application/pdf", size: 1500, residenceId: residence.id },
  });
  assert.equal(presign.statusCode, 413, presign.body);
  assert.equal((await send(pdf(1000))).statusCode, 201, "what still fits is accepted");
});
