// A result's data as a table: the rows of a list of records, the columns they have (at most eight, in the order they
// first appear), and each value as plain text.

type Row = Record<string, unknown>;

const MAX_COLUMNS = 8;

/** The rows when the data is a list of records; null otherwise. */
export function rowsOf(data: unknown): Row[] | null {
  if (!Array.isArray(data) || !data.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))) {
    return null;
  }
  return data as Row[];
}

export function columnsOf(rows: readonly Row[]): string[] {
  const columns: string[] = [];
  for (const row of rows.slice(0, 50)) {
    for (const key of Object.keys(row)) {
      if (!columns.includes(key) && columns.length < MAX_COLUMNS) columns.push(key);
    }
  }
  return columns;
}

/** Plain text for a value: "—" for nothing, Yes/No, JSON for nested values. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
