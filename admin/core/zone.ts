/** Calendar days in a time zone as UTC instants, for date filters typed in the staff's zone. */

/** Every field of a date and time as digits (a year of four): `Intl.DateTimeFormat` options. */
export const NUMERIC_DATE_TIME: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
};

/** Offset of `zone` from UTC at `at`, in ms (Moscow: +3 h). */
export function zoneOffsetMs(at: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, ...NUMERIC_DATE_TIME })
    .formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a calendar day (a UTC-midnight Date from parseDate) starts in `zone`. */
export function dayStartIn(day: Date, zone: string): Date {
  const guess = new Date(day.getTime() - zoneOffsetMs(day, zone));
  // A DST change between the guess and the real start moves the offset; one correction settles it.
  return new Date(day.getTime() - zoneOffsetMs(guess, zone));
}

/** Today's calendar day in `zone`, as a UTC-midnight Date. */
export function todayIn(now: Date, zone: string): Date {
  const local = new Date(now.getTime() + zoneOffsetMs(now, zone));
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
}
