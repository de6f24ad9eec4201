"use client";
import { useState } from "react";
import {
  AFTER_UNITS,
  describeRecurrence,
  describeUsage,
  type MeterChoice,
  MONTH_ORDINALS,
  monthNames,
  REPEAT_KINDS,
  type Recurrence,
  type RepeatFields,
  recurrenceFromFields,
  UNITS,
  type Unit,
  USAGE_UNITS,
  WEEKDAY_CODES,
  weekdayName,
} from "../lib/recurrence.ts";
import { strings } from "../strings.ts";
import { Field } from "./field.tsx";
import { SelectField } from "./inputs.tsx";

/**
 * How a task repeats, every kind the API supports, with the schedule shown in plain words as it is picked
 * (the same words the list and the task's page use), then the due date — which a schedule by use has none
 * to pick: the API projects it from the meter's readings. Posts plain fields; src/lib/task-writes.ts reads
 * them.
 */
export function RecurrenceFields({
  initial,
  locale,
  meters,
  metersHref,
  dueOn,
}: {
  initial: RepeatFields;
  locale: string;
  /** The residence's meters; a schedule by use is offered only when there is one. */
  meters: MeterChoice[];
  metersHref: string;
  dueOn: { label: string; hint: string; defaultValue: string };
}) {
  const [f, setF] = useState(() =>
    initial.repeat === "usage" || !meters[0] ? initial : { ...initial, meterId: meters[0].id },
  );
  const t = strings.recurrence;
  const set = (change: Partial<RepeatFields>) => setF((current) => ({ ...current, ...change }));
  const result = recurrenceFromFields(f);
  const toggle = <T,>(list: T[], item: T) =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  const interval = (label: string) => (
    <div className="field">
      <label htmlFor="field-interval">{label}</label>
      <input
        id="field-interval"
        name="interval"
        type="number"
        inputMode="numeric"
        min={1}
        max={1000}
        required
        value={f.interval}
        onChange={(e) => set({ interval: e.target.value })}
      />
    </div>
  );
  /** "Every [n] [units]": the interval with its unit, posted as `name`, out of the units this kind takes. */
  const intervalAndUnit = <U extends Unit>(
    label: string,
    name: string,
    value: U,
    units: readonly U[],
    change: (unit: U) => void,
  ) => (
    <div className="row">
      {interval(label)}
      <SelectField
        label={t.unit}
        name={name}
        value={value}
        onChange={(e) => change(e.target.value as U)}
        options={units.map((u) => [u, t.units[u]] as const)}
      />
    </div>
  );
  const months = monthNames(locale);
  const meter = meters.find((m) => m.id === f.meterId);
  const words = (r: Recurrence) =>
    r?.kind === "usage" ? describeUsage(r, meter, locale) : describeRecurrence(r, locale);
  return (
    <>
      <fieldset className="recurrence stack">
        <legend>{t.legend}</legend>
        <SelectField
          label={t.repeat}
          name="repeat"
          value={f.repeat}
          onChange={(e) => set({ repeat: e.target.value as RepeatFields["repeat"] })}
          options={REPEAT_KINDS.filter((kind) => kind !== "usage" || meters.length > 0).map(
            (kind) => [kind, t.kinds[kind]] as const,
          )}
        />
        {meters.length === 0 ? (
          <p className="hint">
            {t.noMeters} <a href={metersHref}>{t.metersLink}</a>.
          </p>
        ) : null}
        {f.repeat === "every"
          ? intervalAndUnit(t.interval, "unit", f.unit, UNITS, (unit) => set({ unit }))
          : null}
        {f.repeat === "after"
          ? intervalAndUnit(t.afterInterval, "afterUnit", f.afterUnit, AFTER_UNITS, (afterUnit) =>
              set({ afterUnit }),
            )
          : null}
        {f.repeat === "months" ? (
          <>
            <fieldset className="choices">
              <legend>{t.months}</legend>
              {months.map((name, i) => (
                <label key={name}>
                  <input
                    type="checkbox"
                    name="months"
                    value={i + 1}
                    checked={f.months.includes(i + 1)}
                    onChange={() => set({ months: toggle(f.months, i + 1) })}
                  />{" "}
                  {name}
                </label>
              ))}
            </fieldset>
            <DayOfMonth value={f.monthDay} onChange={(monthDay) => set({ monthDay })} />
          </>
        ) : null}
        {f.repeat === "weekdays" ? (
          <>
            <fieldset className="choices">
              <legend>{t.weekdays}</legend>
              {WEEKDAY_CODES.map((code) => (
                <label key={code}>
                  <input
                    type="checkbox"
                    name="weekdays"
                    value={code}
                    checked={f.weekdays.includes(code)}
                    onChange={() => set({ weekdays: toggle(f.weekdays, code) })}
                  />{" "}
                  {weekdayName(code, locale)}
                </label>
              ))}
            </fieldset>
            {interval(t.weekInterval)}
          </>
        ) : null}
        {f.repeat === "monthDay" ? (
          <div className="row">
            <SelectField
              label={t.ordinal}
              name="ordinal"
              value={f.ordinal}
              onChange={(e) => set({ ordinal: e.target.value })}
              options={MONTH_ORDINALS.map(
                (o) => [o, o === "day" ? t.ordinalDay : t.words.ordinals[o]] as const,
              )}
            />
            {f.ordinal === "day" ? (
              <DayOfMonth value={f.monthDay} onChange={(monthDay) => set({ monthDay })} />
            ) : (
              <SelectField
                label={t.weekday}
                name="weekday"
                value={f.weekday}
                onChange={(e) => set({ weekday: e.target.value })}
                options={WEEKDAY_CODES.map((code) => [code, weekdayName(code, locale)] as const)}
              />
            )}
            {interval(t.monthInterval)}
          </div>
        ) : null}
        {f.repeat === "usage" ? (
          <>
            <div className="row">
              <SelectField
                label={t.meter}
                name="meterId"
                value={f.meterId}
                onChange={(e) => set({ meterId: e.target.value })}
                options={meters.map((m) => [m.id, `${m.name} (${m.unit})`] as const)}
              />
              <div className="field">
                <label htmlFor="field-every">{t.every(meter?.unit ?? t.meterUnits)}</label>
                <input
                  id="field-every"
                  name="every"
                  inputMode="decimal"
                  autoComplete="off"
                  required
                  value={f.every}
                  onChange={(e) => set({ every: e.target.value })}
                />
              </div>
            </div>
            <label className="check">
              <input
                type="checkbox"
                name="hybrid"
                checked={f.hybrid}
                onChange={(e) => set({ hybrid: e.target.checked })}
              />
              {t.hybrid}
            </label>
            {f.hybrid
              ? intervalAndUnit(t.usageInterval, "usageUnit", f.usageUnit, USAGE_UNITS, (usageUnit) =>
                  set({ usageUnit }),
                )
              : null}
          </>
        ) : null}
        {f.repeat === "rrule" ? (
          <div className="field">
            <label htmlFor="field-rrule">{t.rrule}</label>
            <input
              id="field-rrule"
              name="rrule"
              required
              spellCheck={false}
              autoCapitalize="characters"
              value={f.rrule}
              onChange={(e) => set({ rrule: e.target.value })}
              aria-describedby="field-rrule-hint"
            />
            <p id="field-rrule-hint" className="hint">
              {t.rruleHint}
            </p>
          </div>
        ) : null}
        <p className="schedule-words" aria-live="polite">
          {"error" in result ? (
            <span className="hint">{result.error}</span>
          ) : (
            <>
              {t.preview} <strong>{words(result.recurrence)}</strong>
            </>
          )}
        </p>
      </fieldset>
      {f.repeat === "usage" ? (
        <p className="hint">{t.projected}</p>
      ) : (
        <Field
          label={dueOn.label}
          name="dueOn"
          type="date"
          hint={dueOn.hint}
          defaultValue={dueOn.defaultValue}
        />
      )}
    </>
  );
}

function DayOfMonth({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor="field-monthDay">{strings.recurrence.monthDay}</label>
      <input
        id="field-monthDay"
        name="monthDay"
        type="number"
        inputMode="numeric"
        min={1}
        max={31}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
