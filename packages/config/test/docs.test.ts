import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as config from "@honeydue/config";

const doc = readFileSync(new URL("../../../docs/configuration.md", import.meta.url), "utf8");

test("every setting of every role is documented in docs/configuration.md", () => {
  const schemas = Object.entries(config).filter(([name]) => name.endsWith("SettingsSchema"));
  assert.ok(schemas.length >= 2, "found the settings schemas");
  for (const [name, schema] of schemas) {
    for (const variable of Object.keys((schema as { properties: object }).properties)) {
      assert.ok(
        doc.includes(`\`${variable}\``),
        `${variable} (${name}) is missing from docs/configuration.md`,
      );
    }
  }
});

test("a missing or invalid setting names the variable", () => {
  assert.throws(
    () => config.loadApiSettings({ PORT: "eighty", DATA_DIR: "/tmp/honeydue-config-test" }),
    (error: unknown) => error instanceof config.SettingsError && error.variables.includes("PORT"),
  );
  assert.throws(
    () => config.loadApiSettings({ NODE_ENV: "production", DATA_DIR: "/tmp/honeydue-config-test" }),
    (error: unknown) => error instanceof config.SettingsError && error.variables.includes("AUTH_SECRET"),
  );
});

test("strings from the environment become typed settings with defaults", () => {
  const settings = config.loadApiSettings({
    PORT: "8080",
    FEATURE_PUSH_ENABLED: "true",
    PUBLIC_WEB_URL: "https://myhoneydue.com/",
    AUTH_SECRET: "x".repeat(40),
    REDIS_URL: "",
  });
  assert.equal(settings.port, 8080);
  assert.equal(settings.featurePushEnabled, true);
  assert.equal(settings.publicWebUrl, "https://myhoneydue.com");
  assert.equal(settings.redisUrl, undefined);
  assert.equal(settings.accessTokenTtlSeconds, 900);
});
