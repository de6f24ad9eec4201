import type { Metadata } from "next";
import { unsubscribe } from "../../../src/actions/public-links.ts";
import { ActionForm } from "../../../src/components/action-form.tsx";
import { publicApi } from "../../../src/lib/api.ts";
import { strings } from "../../../src/strings.ts";

export const metadata: Metadata = { title: strings.unsubscribe.title };

/** Opening the link changes nothing; the button turns reminder emails off. */
export default async function Unsubscribe({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = strings.unsubscribe;
  const { data: state, response } = await publicApi().GET("/v1/unsubscribe/{token}", {
    params: { path: { token } },
  });
  if (!state) {
    if (response.status >= 500) console.error(`unsubscribe page: API answered ${response.status}`);
    return (
      <section className="narrow">
        <h1>{t.title}</h1>
        <p className="notice error">{t.notFound}</p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>{t.title}</h1>
      <p>{t.lead(state.email)}</p>
      {state.subscribed ? (
        <ActionForm action={unsubscribe} submit={t.submit} done={<p>{t.later}</p>}>
          <p>{t.subscribed}</p>
          <input type="hidden" name="token" value={token} />
        </ActionForm>
      ) : (
        <p className="notice success">
          {t.unsubscribed} {t.later}
        </p>
      )}
    </section>
  );
}
