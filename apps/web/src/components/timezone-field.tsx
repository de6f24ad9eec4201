"use client";
import { useEffect, useState } from "react";

/** The browser's IANA time zone, sent with sign-up so reminders arrive in the member's morning. */
export function TimezoneField() {
  const [zone, setZone] = useState("");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return <input type="hidden" name="timezone" value={zone} />;
}
