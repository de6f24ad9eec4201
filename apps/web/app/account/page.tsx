import "../../src/styles/tasks.css";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import {
  changeAvatar,
  changeCalendarFeed,
  changePassword,
  deleteAccount,
  saveProfile,
  signOutDevice,
} from "../../src/actions/account.ts";
import { ActionForm } from "../../src/components/action-form.tsx";
import { CalendarFeed } from "../../src/components/calendar-feed.tsx";
import { Field } from "../../src/components/field.tsx";
import { SelectField } from "../../src/components/inputs.tsx";
import { memberApi } from "../../src/lib/api.ts";
import { formatInstant } from "../../src/lib/format.ts";
import { strings } from "../../src/strings.ts";

export const metadata: Metadata = { title: strings.account.title };

/** Locales offered for dates and numbers (the words stay English until another strings object exists). */
const LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR"];

function timezones(current: string): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes(current) ? zones : [current, ...zones];
}

function hourLabel(hour: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(
    new Date(Date.UTC(2000, 0, 1, hour)),
  );
}

/** Profile and preferences, password and devices, the calendar link, the data download and deleting. */
export default async function Account() {
  const api = await memberApi();
  if (!api) redirect("/sign-in?next=/account");
  const [me, sessions, feed] = await Promise.all([
    api.GET("/v1/me"),
    api.GET("/v1/me/sessions"),
    api.GET("/v1/me/calendar-feed"),
  ]);
  if (me.response.status === 401) redirect("/sign-in?next=/account");
  if (!me.data || !sessions.data || !feed.data) {
    console.error(
      `account page: API answered ${me.response.status}/${sessions.response.status}/${feed.response.status}`,
    );
    throw new Error(strings.errors.unreachable);
  }
  const t = strings.account;
  const user = me.data;
  const locale = user.locale || "en";
  const locales = LOCALES.includes(user.locale) ? LOCALES : [user.locale, ...LOCALES];
  const names = new Intl.DisplayNames([locale], { type: "language" });
  return (
    <section className="wide-form">
      <h1>{t.title}</h1>

      <section aria-labelledby="profile">
        <h2 id="profile">{t.profileTitle}</h2>
        <ActionForm action={saveProfile} submit={t.save}>
          <Field label={t.name} name="name" defaultValue={user.name} required maxLength={100} />
          <p className="hint">
            {t.email}: {user.email}
          </p>
          <SelectField
            label={t.timezone}
            name="timezone"
            defaultValue={user.timezone}
            options={timezones(user.timezone).map((zone) => [zone, zone.replaceAll("_", " ")] as const)}
            aria-describedby="timezone-hint"
          />
          <p id="timezone-hint" className="hint">
            {t.timezoneHint}
          </p>
          <SelectField
            label={t.locale}
            name="locale"
            defaultValue={user.locale}
            options={locales.map((tag) => [tag, `${names.of(tag) ?? tag} (${tag})`] as const)}
          />
          <h3>{t.remindersTitle}</h3>
          <label className="check">
            <input type="checkbox" name="digestEnabled" defaultChecked={user.notifications.digestEnabled} />
            {t.digestEnabled}
          </label>
          <SelectField
            label={t.digestHour}
            name="digestHour"
            defaultValue={String(user.notifications.digestHour)}
            options={Array.from(
              { length: 24 },
              (_, hour) => [String(hour), hourLabel(hour, locale)] as const,
            )}
          />
          <label className="check">
            <input type="checkbox" name="pushEnabled" defaultChecked={user.notifications.pushEnabled} />
            {t.pushEnabled}
          </label>
          <Field
            label={t.dueSoonDays}
            hint={t.dueSoonHint}
            name="dueSoonDays"
            type="number"
            min={1}
            max={60}
            required
            defaultValue={user.dueSoonDays}
          />
        </ActionForm>
      </section>

      <section aria-labelledby="photo">
        <h2 id="photo">{t.photoTitle}</h2>
        {user.avatarFileId ? (
          // biome-ignore lint/performance/noImgElement: a member's private file through /files, not optimisable by next/image
          <img
            className="avatar"
            src={`/files/${user.avatarFileId}?variant=thumbnail`}
            alt={t.photoAlt}
            width={96}
            height={96}
          />
        ) : (
          <p>{t.noPhoto}</p>
        )}
        <ActionForm
          action={changeAvatar}
          submit={t.savePhoto}
          alternative={user.avatarFileId ? { label: t.removePhoto, intent: "remove" } : undefined}
          resetOnSuccess
        >
          <Field label={t.photo} hint={t.photoHint} name="avatar" type="file" accept="image/*" required />
        </ActionForm>
      </section>

      <section aria-labelledby="calendar">
        <h2 id="calendar">{t.calendarTitle}</h2>
        <p>{t.calendarLead}</p>
        <p className="hint">{t.calendarOnce}</p>
        <CalendarFeed
          action={changeCalendarFeed}
          madeAt={feed.data.createdAt ? formatInstant(feed.data.createdAt, locale, user.timezone) : null}
        />
      </section>

      <section aria-labelledby="password">
        <h2 id="password">{t.passwordTitle}</h2>
        <ActionForm action={changePassword} submit={t.changePassword}>
          <Field
            label={t.currentPassword}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
          />
          <Field
            label={t.newPassword}
            hint={strings.signUp.passwordHint}
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
          />
        </ActionForm>
      </section>

      <section aria-labelledby="devices">
        <h2 id="devices">{t.sessionsTitle}</h2>
        <ul className="table-list">
          {sessions.data.items.map((session) => {
            const device = session.deviceName ?? session.userAgent ?? t.unknownDevice;
            return (
              <li key={session.id} className="card">
                <h3>{session.current ? `${device} — ${t.thisDevice}` : device}</h3>
                <p className="hint">{t.lastUsed(formatInstant(session.lastUsedAt, locale, user.timezone))}</p>
                {session.current ? null : (
                  <ActionForm action={signOutDevice} submit={t.signOutDevice(device)} secondary>
                    <input type="hidden" name="sessionId" value={session.id} />
                  </ActionForm>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="export">
        <h2 id="export">{t.exportTitle}</h2>
        <p>{t.exportLead}</p>
        <ul className="actions">
          <li>
            <a href="/account/export?format=json" download>
              {t.exportJson}
            </a>
          </li>
          <li>
            <a href="/account/export?format=csv&kind=tasks" download>
              {t.exportTasks}
            </a>
          </li>
          <li>
            <a href="/account/export?format=csv&kind=completions" download>
              {t.exportCompletions}
            </a>
          </li>
          <li>
            <a href="/account/export?format=csv&kind=appliances" download>
              {t.exportAppliances}
            </a>
          </li>
        </ul>
      </section>

      <section aria-labelledby="delete" className="danger">
        <h2 id="delete">{t.deleteTitle}</h2>
        <p>{t.deleteLead}</p>
        <ActionForm action={deleteAccount} submit={t.deleteSubmit}>
          <Field
            label={t.deletePassword}
            name="password"
            id="delete-password"
            type="password"
            autoComplete="current-password"
            required
          />
        </ActionForm>
      </section>
    </section>
  );
}
