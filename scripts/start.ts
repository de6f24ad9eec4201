// `npm start`: the API on embedded defaults (PGlite in ./data, mail as .eml files), with its job runner.
await import("../apps/api/src/main.ts");
