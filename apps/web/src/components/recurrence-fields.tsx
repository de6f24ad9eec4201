"use client";
import { useState } from "react";
import {
  describeRecurrence,
  MONTH_ORDINALS,
  monthNames,
  REPEAT_KINDS,
  type Recurrence,
  type RepeatFields,
  recurrenceFromFields,
  WEEKDAY_CODES,
  weekdayName,
} from "../lib/recurrence.ts";
import { strings } from "../strings.ts";
import { SelectField } from "./inputs.tsx";

/**
 * How a task repeats, every kind the API supports, with the schedule shown in plain words as it is picked
 * (the same words the list and the task's page use). Posts plain fields; src/actions/tasks.ts reads them.
 */
export function RecurrenceFields({ initial, locale }: { initial: RepeatFields; locale: string }) {
  const [f, setF] = useState(initial);
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
  const months = monthNames(locale);
  return (
    <fieldset className="recurrence stack">
      <legend>{t.legend}</legend>
      <SelectField
        label={t.repeat}
        name="repeat"
        value={f.repeat}
        onChange={(e) => set({ repeat: e.target.value as RepeatFields["repeat"] })}
        options={REPEAT_KINDS.map((kind) => [kind, t.kinds[kind]] as const)}
      />
      {f.repeat === "every" ? (
        <div className="row">
          {interval(t.interval)}
          <SelectField
            label={t.unit}
            name="unit"
            value={f.unit}
            onChange={(e) => set({ unit: e.target.value as RepeatFields["unit"] })}
            options={(["day", "week", "month", "year"] as const).map((u) => [u, t.units[u]] as const)}
          />
        </div>
      ) : null}
      {f.repeat === "after" ? (
        <div className="row">
          {interval(t.afterInterval)}
          <SelectField
            label={t.unit}
            name="afterUnit"
            value={f.afterUnit}
            onChange={(e) => set({ afterUnit: e.target.value as RepeatFields["afterUnit"] })}
            options={(["day", "week", "month"] as const).map((u) => [u, t.units[u]] as const)}
          />
        </div>
      ) : null}
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
            {t.preview} <strong>{describeRecurrence(result.recurrence as Recurrence, locale)}</strong>
          </>
        )}
      </p>
    </fieldset>
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
