import "../../../../src/styles/tasks.css";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import {
  changeRole,
  createShareCode,
  invite,
  removeMember,
  revokeShareCodes,
  withdrawInvite,
} from "../../../../src/actions/members.ts";
import { ActionForm } from "../../../../src/components/action-form.tsx";
import { Field } from "../../../../src/components/field.tsx";
import { SelectField } from "../../../../src/components/inputs.tsx";
import { ResidenceNav } from "../../../../src/components/residence-nav.tsx";
import { memberApi } from "../../../../src/lib/api.ts";
import { formatDay, formatInstant } from "../../../../src/lib/format.ts";
import { strings } from "../../../../src/strings.ts";

export const metadata: Metadata = { title: strings.residenceNav.members };

/**
 * Who belongs to a residence and as what. Owners change roles, remove members, invite by email and make share
 * codes; everyone may leave; viewers and members only look (the API refuses the rest to them anyway).
 */
export default async function Members({ params }: { params: Promise<{ residenceId: string }> }) {
  const { residenceId } = await params;
  const here = `/residences/${residenceId}/members`;
  const api = await memberApi();
  if (!api) redirect(`/sign-in?next=${here}`);
  const path = { residenceId };
  const [me, residence, members] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/residences/{residenceId}", { params: { path } }),
    api.GET("/v1/residences/{residenceId}/members", { params: { path } }),
  ]);
  if (me.response.status === 401) redirect(`/sign-in?next=${here}`);
  if (residence.response.status === 404 || residence.response.status === 400) redirect("/tasks");
  if (!me.data || !residence.data || !members.data) {
    console.error(`members page: API answered ${residence.response.status}/${members.response.status}`);
    throw new Error(strings.errors.unreachable);
  }
  const owner = residence.data.role === "owner";
  // Invitations and share codes are the owners' to see (a code is a credential).
  const [invites, codes] = owner
    ? await Promise.all([
        api.GET("/v1/residences/{residenceId}/invites", { params: { path } }),
        api.GET("/v1/residences/{residenceId}/share-code", { params: { path } }),
      ])
    : [null, null];
  if ((invites && !invites.data) || (codes && !codes.data)) {
    console.error(
      `members page: invites/codes answered ${invites?.response.status}/${codes?.response.status}`,
    );
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.members;
  const locale = me.data.locale || "en";
  const roleOptions = Object.entries(t.roles) as [keyof typeof t.roles, string][];
  return (
    <section className="wide-form">
      <h1>{t.title(residence.data.name)}</h1>
      <ResidenceNav residenceId={residenceId} current="members" />
      <p>{owner ? t.lead : t.readOnly}</p>
      <ul className="table-list" aria-label={strings.residenceNav.members}>
        {members.data.items.map((m) => {
          const self = m.userId === me.data.id;
          return (
            <li key={m.userId} className="card member">
              <h2>
                {m.name} {self ? <span className="hint">{t.you}</span> : null}
              </h2>
              <p className="hint">
                <span className="tag">{t.roles[m.role]}</span>{" "}
                {t.joined(formatDay(m.joinedAt.slice(0, 10), locale))}
              </p>
              {owner && !self ? (
                <div className="task-actions">
                  <ActionForm action={changeRole} submit={t.changeRole(m.name)} secondary>
                    <input type="hidden" name="residenceId" value={residenceId} />
                    <input type="hidden" name="userId" value={m.userId} />
                    <SelectField
                      label={t.roleOf(m.name)}
                      name="role"
                      id={`role-${m.userId}`}
                      defaultValue={m.role}
                      options={roleOptions}
                    />
                  </ActionForm>
                  <ActionForm action={removeMember} submit={t.remove(m.name)} secondary>
                    <input type="hidden" name="residenceId" value={residenceId} />
                    <input type="hidden" name="userId" value={m.userId} />
                  </ActionForm>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>

      {owner && invites?.data ? (
        <>
          <section aria-labelledby="invite">
            <h2 id="invite">{t.inviteTitle}</h2>
            <ActionForm action={invite} submit={t.sendInvite} resetOnSuccess>
              <input type="hidden" name="residenceId" value={residenceId} />
              <Field label={t.inviteEmail} name="email" type="email" required />
              <SelectField label={t.inviteRole} name="role" defaultValue="member" options={roleOptions} />
            </ActionForm>
          </section>
          <section aria-labelledby="pending">
            <h2 id="pending">{t.pendingTitle}</h2>
            {invites.data.items.length === 0 ? <p>{t.noPending}</p> : null}
            <ul className="table-list">
              {invites.data.items.map((i) => (
                <li key={i.id} className="card">
                  <h3 className="notes">{i.email}</h3>
                  <p className="hint">
                    <span className="tag">{t.roles[i.role]}</span>{" "}
                    {t.expires(formatInstant(i.expiresAt, locale, me.data.timezone))}
                  </p>
                  <ActionForm action={withdrawInvite} submit={t.withdraw(i.email)} secondary>
                    <input type="hidden" name="residenceId" value={residenceId} />
                    <input type="hidden" name="inviteId" value={i.id} />
                  </ActionForm>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="share">
            <h2 id="share">{t.shareTitle}</h2>
            <p>{t.shareLead}</p>
            <h3 id="codes-now">{t.codesNow}</h3>
            {codes?.data?.items.length ? (
              <ul className="table-list" aria-labelledby="codes-now">
                {codes.data.items.map((c) => (
                  <li key={c.code} className="card share-code">
                    <p>
                      <strong className="code">{c.code}</strong>{" "}
                      <span className="tag">{t.roles[c.role]}</span>
                    </p>
                    <p className="hint">
                      {t.codeUntil(formatInstant(c.expiresAt, locale, me.data.timezone))}
                    </p>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t.noCodes}</p>
            )}
            <ActionForm action={createShareCode} submit={t.createCode}>
              <input type="hidden" name="residenceId" value={residenceId} />
              <SelectField
                label={t.shareRole}
                name="role"
                id="share-role"
                defaultValue="member"
                options={roleOptions.filter(([role]) => role !== "owner")}
              />
            </ActionForm>
            <ActionForm action={revokeShareCodes} submit={t.revokeCodes} secondary>
              <input type="hidden" name="residenceId" value={residenceId} />
            </ActionForm>
          </section>
        </>
      ) : null}

      <section aria-labelledby="leave">
        <h2 id="leave">{t.leaveTitle}</h2>
        <p>{t.leaveLead}</p>
        <ActionForm action={removeMember} submit={t.leave} secondary>
          <input type="hidden" name="residenceId" value={residenceId} />
          <input type="hidden" name="userId" value={me.data.id} />
          <input type="hidden" name="leaving" value="yes" />
        </ActionForm>
      </section>
    </section>
  );
}
