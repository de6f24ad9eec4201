import { startTestS3Server } from "@honeydue/storage/testing";
import { FILE_TEST_ENV, fileSuite } from "./files-suite.ts";
import { startTestApi } from "./support.ts";

// The S3 driver against a real S3-protocol server (s3rver) started for this file.
const s3 = await startTestS3Server();
const api = await startTestApi({ ...FILE_TEST_ENV, ...s3.env });
await fileSuite(api, s3);
