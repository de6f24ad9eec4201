import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FILE_TEST_ENV, fileSuite } from "./files-suite.ts";
import { startTestApi } from "./support.ts";

// The local driver (the embedded default): objects in DATA_DIR/uploads, presigned URLs back to the API.
const dataDir = await mkdtemp(join(tmpdir(), "honeydue-files-"));
const api = await startTestApi({ ...FILE_TEST_ENV, DATA_DIR: dataDir });
await fileSuite(api);
