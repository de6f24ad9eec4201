import {
  Button,
  Checkbox,
  CheckboxGroup,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Textarea,
  TextInput,
} from "@mantine/core";
import { Csrf } from "./csrf";

const CATEGORIES = [
  "hvac",
  "plumbing",
  "electrical",
  "appliances",
  "exterior",
  "interior",
  "yard",
  "safety",
  "cleaning",
  "pest",
  "other",
];
const PRIORITIES = ["low", "normal", "high", "urgent"];
const PROPERTY_TYPES = ["house", "townhouse", "condo", "apartment", "other"];

export interface TemplateValues {
  id?: string;
  title: string;
  howTo: string;
  category: string;
  priority: string;
  recurrence: { kind: string; interval?: number; unit?: string; rrule?: string } | null;
  propertyTypes: string[];
  starter: boolean;
}

/** The template editor (create and edit): plain form fields, posted to a server action. */
export function TemplateForm(props: {
  action: (form: FormData) => Promise<void>;
  csrf: string;
  back: string;
  values?: TemplateValues;
  submit: string;
}) {
  const v = props.values;
  const r = v?.recurrence;
  return (
    <form action={props.action}>
      <Csrf token={props.csrf} back={props.back} />
      {v?.id ? <input type="hidden" name="templateId" value={v.id} /> : null}
      <Stack maw={640}>
        <TextInput label="Title" name="title" required maxLength={200} defaultValue={v?.title} />
        <Textarea label="How to" name="howTo" autosize minRows={3} maxLength={5000} defaultValue={v?.howTo} />
        <Group grow>
          <NativeSelect
            label="Category"
            name="category"
            data={CATEGORIES}
            defaultValue={v?.category ?? "other"}
          />
          <NativeSelect
            label="Priority"
            name="priority"
            data={PRIORITIES}
            defaultValue={v?.priority ?? "normal"}
          />
        </Group>
        <Group grow align="end">
          <NativeSelect
            label="Schedule"
            name="kind"
            defaultValue={r?.kind ?? "none"}
            data={[
              { value: "none", label: "One-off" },
              { value: "fixed", label: "Fixed schedule" },
              { value: "afterCompletion", label: "After completion" },
            ]}
          />
          <NumberInput label="Every" name="interval" min={1} max={1000} defaultValue={r?.interval ?? 1} />
          <NativeSelect
            label="Unit"
            name="unit"
            data={["day", "week", "month", "year"]}
            defaultValue={r?.unit ?? "month"}
          />
        </Group>
        <TextInput
          label="Or an RRULE (fixed schedules)"
          description="e.g. FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1 — takes the place of Every/Unit"
          name="rrule"
          defaultValue={r?.rrule ?? ""}
        />
        <CheckboxGroup label="Property types" defaultValue={v?.propertyTypes ?? PROPERTY_TYPES}>
          <Group mt="xs">
            {PROPERTY_TYPES.map((p) => (
              <Checkbox key={p} name="propertyTypes" value={p} label={p} />
            ))}
          </Group>
        </CheckboxGroup>
        <Checkbox
          name="starter"
          label="In the starter set offered to a new residence"
          defaultChecked={v?.starter ?? false}
        />
        <Button type="submit" w="fit-content">
          {props.submit}
        </Button>
      </Stack>
    </form>
  );
}
