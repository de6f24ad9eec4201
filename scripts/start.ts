// `npm start`: the API on embedded defaults (PGlite in ./data, mail as .eml files), with its job runner.
// On the first start it also creates the first admin account and prints its one-time password.
process.env.ADMIN_BOOTSTRAP ??= "true";
await import("../apps/api/src/main.ts");
