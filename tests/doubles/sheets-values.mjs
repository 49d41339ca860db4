// Sheets API v4 values and spreadsheet creation for what actions do: values.get, values:append
// (`valueInputOption` required, `insertDataOption`), values.update (PUT, `valueInputOption`
// required; a null cell is skipped, keeping what is there, as Sheets documents: "" empties one)
// and spreadsheets.create, with Sheets' 400 bodies. Cells written are kept per
// spreadsheet and tab until reset; a tab of the Drive seed starts with a small table.
import { sendJson } from "./common.mjs";
import { onReset } from "./control.mjs";

const TABLE = [["Item", "Amount", "Paid"], ["Hosting", "120", "TRUE"], ["Design", "800", "FALSE"]];
let grids = new Map();
let created = 0;
onReset(() => {
  grids = new Map();
});

const invalid = (message) => ({ error: { code: 400, message, status: "INVALID_ARGUMENT" } });

function gridOf(spreadsheet, tab) {
  const key = `${spreadsheet}!${tab}`;
  if (!grids.has(key)) grids.set(key, structuredClone(TABLE));
  return grids.get(key);
}

/** "Q3!A1:C3" → the tab and zero-based bounds (the whole used grid when only a tab is named). */
function parseRange(range) {
  const [, quoted, plain, cells] = range.match(/^(?:'((?:[^']|'')+)'|([^!]+))(?:!(.+))?$/) ?? [];
  const tab = (quoted ?? plain ?? "").replace(/''/g, "'");
  if (!tab) return null;
  if (!cells) return { tab, top: 0, left: 0, bottom: Infinity, right: Infinity };
  const corner = (text) => {
    const [, letters, digits] = text.match(/^([A-Z]+)(\d+)?$/) ?? [];
    if (!letters) return null;
    const column = [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
    return { column, row: digits ? Number(digits) - 1 : null };
  };
  const [from, to] = cells.split(":").map(corner);
  if (!from || (cells.includes(":") && !to)) return null;
  return { tab, top: from.row ?? 0, left: from.column, bottom: to ? (to.row ?? Infinity) : from.row ?? Infinity, right: to ? to.column : from.column };
}

const a1 = (tab, top, left, rows, columns) => {
  const letter = (n) => (n >= 26 ? letter(Math.floor(n / 26) - 1) : "") + String.fromCharCode(65 + (n % 26));
  return `${tab}!${letter(left)}${top + 1}:${letter(left + columns - 1)}${top + rows}`;
};

function json(ctx) {
  try {
    return (ctx.req.headers["content-type"] ?? "").includes("application/json") ? JSON.parse(ctx.body) : null;
  } catch {
    return null;
  }
}

/** Answers values paths and spreadsheet creation under `/sheets/v4/spreadsheets` (true); undefined otherwise. */
export function handleValues(ctx, path, isSpreadsheet) {
  const send = (status, body) => {
    sendJson(ctx.res, status, body);
    return true;
  };
  if (path === "/sheets/v4/spreadsheets" && ctx.method === "POST") {
    const body = json(ctx);
    if (!body?.properties?.title) return send(400, invalid("Invalid value at 'spreadsheet.properties.title'"));
    const id = `1NewSheet${(created += 1).toString().padStart(4, "0")}`;
    const sheets = (body.sheets ?? [{ properties: { title: "Sheet1" } }]).map((sheet, index) => ({ properties: { sheetId: index, title: sheet.properties?.title ?? `Sheet${index + 1}`, index } }));
    return send(200, { spreadsheetId: id, properties: { title: body.properties.title, locale: "en_US" }, sheets, spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit` });
  }
  const match = path.match(/^\/sheets\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+?)(:append)?$/);
  if (!match) return undefined;
  const id = decodeURIComponent(match[1]);
  if (!isSpreadsheet(id)) return send(404, { error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" } });
  const range = parseRange(decodeURIComponent(match[2]));
  if (!range) return send(400, invalid(`Unable to parse range: ${decodeURIComponent(match[2])}`));
  const grid = gridOf(id, range.tab);
  if (ctx.method === "GET" && !match[3]) {
    const rows = grid.slice(range.top, range.bottom + 1).map((row) => row.slice(range.left, range.right + 1));
    return send(200, { range: a1(range.tab, range.top, range.left, rows.length, Math.max(1, ...rows.map((r) => r.length))), majorDimension: "ROWS", values: rows });
  }
  const option = ctx.params.get("valueInputOption");
  if (!["RAW", "USER_ENTERED"].includes(option)) return send(400, invalid("'valueInputOption' is required but not specified"));
  const body = json(ctx);
  if (!Array.isArray(body?.values) || !body.values.every(Array.isArray)) return send(400, invalid("Invalid values"));
  const columns = Math.max(...body.values.map((row) => row.length));
  const cells = body.values.map((row) => row.map((cell) => (cell === null ? "" : String(cell))));
  if (match[3] && ctx.method === "POST") {
    const top = grid.length;
    grid.push(...cells);
    const updatedRange = a1(range.tab, top, range.left, cells.length, columns);
    return send(200, { spreadsheetId: id, tableRange: a1(range.tab, 0, 0, top, grid[0].length), updates: { spreadsheetId: id, updatedRange, updatedRows: cells.length, updatedColumns: columns, updatedCells: cells.length * columns } });
  }
  if (!match[3] && ctx.method === "PUT") {
    let updatedCells = 0;
    body.values.forEach((row, r) => {
      grid[range.top + r] ??= [];
      row.forEach((cell, c) => {
        if (cell === null) return;
        grid[range.top + r][range.left + c] = String(cell);
        updatedCells += 1;
      });
    });
    const updatedRange = a1(range.tab, range.top, range.left, cells.length, columns);
    return send(200, { spreadsheetId: id, updatedRange, updatedRows: cells.length, updatedColumns: columns, updatedCells });
  }
  return send(404, { error: { code: 404, message: "Method not found.", status: "NOT_FOUND" } });
}
