import pkg from "rrule";

const { RRule, rrulestr } = pkg;
const tries = [
  "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1",
  "FREQ=MONTHLY;BYMONTHDAY=31",
  "FREQ=MONTHLY;BYMONTHDAY=-1",
  "FREQ=FOO",
  "FREQ=WEEKLY;BYDAY=MO,TH",
  "garbage",
  "FREQ=DAILY;BOGUS=1",
  "FREQ=DAILY;COUNT=3",
  "FREQ=YEARLY;BYMONTH=13",
  "FREQ=MONTHLY;BYDAY=1SA",
  "FREQ=YEARLY;BYMONTH=9,10,11;BYDAY=1SA",
  "",
  "INTERVAL=2",
  "FREQ=MONTHLY;UNTIL=20281231",
  "FREQ=MONTHLY;BYMONTHDAY=40",
  "FREQ=MONTHLY;INTERVAL=abc",
  "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
];
for (const s of tries) {
  try {
    const o = RRule.parseString(s);
    const r = new RRule({ ...o, dtstart: new Date(Date.UTC(2028, 0, 31)) });
    console.log(
      JSON.stringify(s),
      JSON.stringify(o),
      r.toText(),
      r.all((d, i) => i < 4).map((d) => d.toISOString().slice(0, 10)),
    );
  } catch (e) {
    console.log(JSON.stringify(s), "ERR", e.message);
  }
}
let t = Date.now();
const r = new RRule({
  ...RRule.parseString("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
  dtstart: new Date(Date.UTC(2028, 0, 31)),
});
console.log(r.after(new Date(Date.UTC(2028, 0, 31)), true), Date.now() - t);
t = Date.now();
const r2 = new RRule({ ...RRule.parseString("FREQ=DAILY"), dtstart: new Date(Date.UTC(1900, 0, 31)) });
console.log(r2.after(new Date(Date.UTC(2028, 0, 31)), true), Date.now() - t);
