import "../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { createMeter, logReading } from "../../../../src/actions/meters.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { Field } from "../../../../src/components/field.tsx";
import { SelectField } from "../../../../src/components/inputs.tsx";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { formatDay } from "../../../../src/lib/format.ts";
import { residenceContext } from "../../../../src/lib/task-page-data.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.meters.title };

/** A residence's meters with their latest reading and rate; members log readings and add meters. */
export default async function Meters({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/meters`);
  const { residence, canEdit, locale } = await residenceContext(api, residenceId);
  const list = await api.GET("/v1/residences/{residenceId}/meters", { params: { path: { residenceId } } });
  if (!list.data) {
    console.error(`meters: API answered ${list.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.meters;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return (
    <section>
      <h1>{t.title}</h1>
      <ResidenceNav residenceId={residenceId} current="meters" />
      <p className="lead">{t.lead(residence.name)}</p>
      {list.data.items.length === 0 ? <p>{t.empty}</p> : null}
      <ul className="table-list">
        {list.data.items.map((m) => {
          const unit = t.units[m.unit];
          return (
            <li key={m.id} className="card">
              <h2>{m.name}</h2>
              <p>
                {m.latestReading
                  ? t.latest(
                      number.format(m.latestReading.value),
                      unit,
                      formatDay(m.latestReading.readOn, locale),
                    )
                  : t.noReading}
                {m.rate ? ` · ${t.rate(number.format(m.rate.perDay), unit)}` : null}
              </p>
              {canEdit ? (
                <ActionForm action={logReading} submit={t.log} secondary>
                  <input type="hidden" name="residenceId" value={residenceId} />
                  <input type="hidden" name="meterId" value={m.id} />
                  <div className="row">
                    <div className="field">
                      <label htmlFor={`value-${m.id}`}>{t.newReading(unit)}</label>
                      <input id={`value-${m.id}`} name="value" inputMode="decimal" required />
                    </div>
                    <div className="field">
                      <label htmlFor={`readOn-${m.id}`}>{t.readOn}</label>
                      <input id={`readOn-${m.id}`} name="readOn" type="date" />
                    </div>
                    <SelectField
                      id={`kind-${m.id}`}
                      label={t.kind}
                      name="kind"
                      options={Object.entries(t.kinds)}
                    />
                  </div>
                </ActionForm>
              ) : null}
            </li>
          );
        })}
      </ul>
      {canEdit ? (
        <>
          <h2>{t.add}</h2>
          <ActionForm action={createMeter} submit={t.create} resetOnSuccess>
            <input type="hidden" name="residenceId" value={residenceId} />
            <Field label={t.name} name="name" required maxLength={200} />
            <SelectField label={t.unit} name="unit" options={Object.entries(t.units)} />
            <Field label={t.initialReading} name="initialReading" inputMode="decimal" />
          </ActionForm>
        </>
      ) : null}
    </section>
  );
}
