/**
 * Renders observability/nginx/nginx.conf for a local, unprivileged nginx:
 * only the listen address, backend addresses, tokens.map path, pid and temp
 * paths change. Throws if an expected line is missing, so the test cannot
 * silently run against a different config than production.
 */
export interface RenderOptions {
  listen: string; // "127.0.0.1:PORT"
  backends: Partial<Record<"victoriametrics" | "jaeger" | "victorialogs" | "grafana", string>>; // "http://127.0.0.1:PORT"
  tokensFile: string;
  prefix: string; // writable directory for pid and temp files
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`));
  if (matches?.length !== 1) {
    throw new Error(`nginx.conf: expected exactly one ${what}, found ${matches?.length ?? 0}`);
  }
  return text.replace(pattern, replacement);
}

export function renderNginxConfig(conf: string, o: RenderOptions): string {
  let out = conf;
  out = replaceOnce(out, /^(\s*)listen 80;$/m, `$1listen ${o.listen};`, "`listen 80;`");
  out = replaceOnce(out, /^pid \/tmp\/nginx\.pid;$/m, `pid ${o.prefix}/nginx.pid;`, "`pid /tmp/nginx.pid;`");
  out = replaceOnce(
    out,
    /include \/etc\/nginx\/obs-tokens\/tokens\.map;/,
    `include ${o.tokensFile};`,
    "tokens.map include",
  );
  out = replaceOnce(
    out,
    /^http \{$/m,
    [
      "http {",
      `    client_body_temp_path ${o.prefix}/body;`,
      `    proxy_temp_path ${o.prefix}/proxy;`,
      `    fastcgi_temp_path ${o.prefix}/fastcgi;`,
      `    uwsgi_temp_path ${o.prefix}/uwsgi;`,
      `    scgi_temp_path ${o.prefix}/scgi;`,
    ].join("\n"),
    "`http {`",
  );
  out = out.replace(/access_log \/dev\/stdout obs;/, `access_log ${o.prefix}/access.log obs;`);
  for (const name of ["victoriametrics", "jaeger", "victorialogs", "grafana"] as const) {
    // Unset backends point at the discard port: connection refused -> 502.
    const target = o.backends[name] ?? "http://127.0.0.1:9";
    out = replaceOnce(
      out,
      new RegExp(`set \\$backend_${name} http://[^;]+;`),
      `set $backend_${name} ${target};`,
      `$backend_${name}`,
    );
  }
  return out;
}
