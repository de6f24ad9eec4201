import Link from "next/link";
import { strings } from "../src/strings.ts";

export default async function Landing({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { notice } = await searchParams;
  const t = strings.landing;
  return (
    <div className="landing">
      {notice === "account-deleted" ? (
        <p role="status" className="notice success">
          {strings.account.deleted}
        </p>
      ) : null}
      <section className="hero">
        <h1>{t.title}</h1>
        <p className="lead">{t.lead}</p>
        <p className="actions">
          <Link href="/sign-up" className="button primary">
            {t.cta}
          </Link>
          <Link href="/sign-in">{t.haveAccount}</Link>
        </p>
      </section>
      <section className="features" aria-label={strings.tagline}>
        {t.features.map((f) => (
          <article key={f.title} className="card">
            <h2>{f.title}</h2>
            <p>{f.body}</p>
          </article>
        ))}
      </section>
    </div>
  );
}
