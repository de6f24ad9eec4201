import type { paths } from "@honeydue/api-client";
import { acceptHandoff, makeHandoffLink, rejectHandoff, revokeHandoffLink } from "../actions/handoff.ts";
import { formatDay, formatInstant, formatMoney } from "../lib/format.ts";
import { strings } from "../strings.ts";
import { ActionForm } from "./action-form.tsx";
import { HandoffLinkMaker } from "./handoff-link-maker.tsx";
import { SelectField, TextAreaField } from "./inputs.tsx";
import { PhotoThumbnails } from "./photo-thumbnails.tsx";

type HandoffLink =
  paths["/v1/tasks/{taskId}/handoff-links"]["get"]["responses"][200]["content"]["application/json"]["items"][number];

/**
 * The task page's hand-off part (docs/handoff-and-handover.md): what contractors marked done, waiting for a
 * member to accept or reject it (with their invoice and photos); making a link for a contractor; and the
 * links made, the open ones withdrawable. Viewers see the links and proposals but decide nothing.
 */
export function HandoffSection({
  taskId,
  links,
  locale,
  timeZone,
  currency,
  contractors,
  defaultContractorId,
  canEdit,
  canMakeLinks,
}: {
  taskId: string;
  links: HandoffLink[];
  locale: string;
  timeZone: string;
  currency: string;
  contractors: readonly (readonly [string, string])[];
  defaultContractorId: string;
  canEdit: boolean;
  /** Open, not archived: only such a task can be handed off. */
  canMakeLinks: boolean;
}) {
  const t = strings.handoff;
  const when = (iso: string) => formatInstant(iso, locale, timeZone);
  const contractorName = new Map(contractors);
  const proposed = links.filter((l) => l.state === "proposed" && l.submission);
  const hidden = (link: HandoffLink) => (
    <>
      <input type="hidden" name="taskId" value={taskId} />
      <input type="hidden" name="handoffLinkId" value={link.id} />
    </>
  );
  return (
    <section aria-labelledby="handoff" className="handoff">
      {proposed.length > 0 ? (
        <>
          <h2 id="handoff-proposals">{t.proposals}</h2>
          <ul className="handoff-list">
            {proposed.map((link) => {
              const s = link.submission!;
              const who = [s.contractorName, s.contractorCompany].filter(Boolean).join(", ");
              const contact = [s.contractorPhone, s.contractorEmail].filter(Boolean).join(" · ");
              return (
                <li key={link.id} className="card proposal">
                  <h3>{t.proposedBy(who, formatDay(s.completedOn, locale))}</h3>
                  <dl className="facts">
                    <div>
                      <dt>{t.amount}</dt>
                      <dd>
                        {s.amountCents === null ? t.noAmount : formatMoney(s.amountCents, locale, currency)}
                      </dd>
                    </div>
                    <div>
                      <dt>{t.invoice}</dt>
                      <dd>
                        {s.invoiceFileId ? (
                          <a href={`/files/${s.invoiceFileId}`}>{t.openInvoice}</a>
                        ) : (
                          t.noInvoice
                        )}
                      </dd>
                    </div>
                    {contact ? (
                      <div>
                        <dt>{t.contact}</dt>
                        <dd className="notes">{contact}</dd>
                      </div>
                    ) : null}
                  </dl>
                  {s.note ? (
                    <>
                      <h4>{t.note}</h4>
                      <p className="notes">{s.note}</p>
                    </>
                  ) : null}
                  <PhotoThumbnails ids={s.photoIds} alt={(i) => t.photo(i + 1)} />
                  {canEdit ? (
                    <div className="task-forms">
                      <ActionForm action={acceptHandoff} submit={t.accept}>
                        {hidden(link)}
                        <SelectField
                          id={`accept-contractor-${link.id}`}
                          label={t.acceptAs}
                          name="contractorId"
                          defaultValue={link.contractorId ?? ""}
                          options={[["", t.newContractor(who)], ...contractors]}
                        />
                      </ActionForm>
                      <ActionForm action={rejectHandoff} submit={t.reject} secondary>
                        {hidden(link)}
                        <TextAreaField
                          id={`reject-reason-${link.id}`}
                          label={t.rejectReason}
                          name="reason"
                          maxLength={2000}
                          rows={2}
                        />
                      </ActionForm>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}

      <h2 id="handoff">{t.title}</h2>
      {canEdit && canMakeLinks ? (
        <div className="card">
          <p className="hint">{t.lead}</p>
          <HandoffLinkMaker
            action={makeHandoffLink}
            taskId={taskId}
            contractors={contractors}
            defaultContractorId={defaultContractorId}
          />
        </div>
      ) : null}
      <h3>{t.links}</h3>
      {links.length === 0 ? <p>{t.noLinks}</p> : null}
      <ul className="handoff-list">
        {links.map((link) => (
          <li key={link.id} className="card handoff-link">
            <p>
              <strong className={`handoff-state handoff-${link.state}`}>{t.states[link.state]}</strong>
              {link.contractorId && contractorName.has(link.contractorId)
                ? ` · ${t.forContractor(contractorName.get(link.contractorId)!)}`
                : null}
            </p>
            <p className="hint">
              {t.made(when(link.createdAt), link.createdBy?.name ?? null)}
              {link.state === "open" ? ` · ${t.expires(when(link.expiresAt))}` : null}
              {link.showAddress ? ` · ${t.withAddress}` : null}
            </p>
            {link.decision ? (
              <p className="hint">
                {t.decided(
                  t.states[link.decision.decision],
                  link.decision.decidedBy?.name ?? null,
                  when(link.decision.decidedAt),
                )}
                {link.decision.reason ? `: ${link.decision.reason}` : null}
              </p>
            ) : null}
            {canEdit && link.state === "open" ? (
              <ActionForm action={revokeHandoffLink} submit={t.revoke} secondary>
                {hidden(link)}
              </ActionForm>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
