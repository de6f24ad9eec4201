import "../../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ApplianceForm } from "../../../../../src/components/appliance-form.tsx";
import { memberApi } from "../../../../../src/lib/api.ts";
import { applianceContext } from "../../../../../src/lib/appliance-page-data.ts";
import { strings } from "../../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.appliances.add };

export default async function NewAppliance({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=/residences/${residenceId}/appliances/new`);
  const { canEdit, locale, residence, choices } = await applianceContext(api, residenceId);
  if (!canEdit) notFound();
  return (
    <section className="wide-form">
      <p>
        <Link href={`/residences/${residenceId}/appliances`}>{strings.appliances.back}</Link>
      </p>
      <h1>{strings.appliances.add}</h1>
      <ApplianceForm residenceId={residenceId} locale={locale} currency={residence.currency} {...choices} />
    </section>
  );
}
