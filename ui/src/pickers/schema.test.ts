import { describe, expect, it } from "vitest";
import { describeFields, initialValues, missingFields, pickerSpec, schemaForKinds, titleFromName } from "./schema";
import { driveFile, spreadsheet } from "./test-backend";

const actionSchema = {
  type: "object",
  required: ["spreadsheet_id", "range"],
  properties: {
    spreadsheet_id: {
      type: "string",
      title: "Spreadsheet",
      description: "The spreadsheet to append to.",
      "x-resource-picker": { provider: "google", kind: "sheets.spreadsheet" },
    },
    range: { type: "string", description: "A1 notation.", default: "Sheet1!A1" },
    attachments: {
      type: "array",
      items: { type: "string", "x-resource-picker": { provider: "google", kind: "drive.file", filter: "pdf" } },
    },
    note: { type: ["string", "null"] },
  },
};

describe("describeFields", () => {
  it("reads picker properties, text properties, titles, descriptions and what is required, in order", () => {
    expect(describeFields(actionSchema)).toEqual([
      {
        name: "spreadsheet_id",
        title: "Spreadsheet",
        description: "The spreadsheet to append to.",
        required: true,
        type: "picker",
        picker: { provider: "google", kind: "sheets.spreadsheet", filter: null, within: null },
        multiple: false,
      },
      { name: "range", title: "Range", description: "A1 notation.", required: true, type: "text", defaultValue: "Sheet1!A1" },
      {
        name: "attachments",
        title: "Attachments",
        description: null,
        required: false,
        type: "picker",
        picker: { provider: "google", kind: "drive.file", filter: "pdf", within: null },
        multiple: true,
      },
      { name: "note", title: "Note", description: null, required: false, type: "text", defaultValue: "" },
    ]);
  });

  it("makes an array whose items are pickers a multiple choice, and keeps the fixed filter", () => {
    const [, , attachments] = describeFields(actionSchema);
    expect(attachments.type === "picker" && attachments.multiple, "an array of ids is chosen several at a time").toBe(true);
    expect(attachments.type === "picker" && attachments.picker.filter, "the schema's filter is passed to the picker").toBe("pdf");
  });

  it("falls back to a text field when x-resource-picker is malformed, so the value can still be typed", () => {
    const fields = describeFields({
      type: "object",
      properties: {
        noKind: { type: "string", "x-resource-picker": { provider: "google" } },
        notAnObject: { type: "string", "x-resource-picker": "drive.file" },
        blank: { type: "string", "x-resource-picker": { provider: " ", kind: "drive.file" } },
      },
    });
    expect(fields.map((field) => field.type)).toEqual(["text", "text", "text"]);
    expect(pickerSpec({ "x-resource-picker": { provider: "github", kind: "github.repo", filter: 3, within: [] } })).toEqual({
      provider: "github",
      kind: "github.repo",
      filter: null,
      within: null,
    });
    expect(pickerSpec({ "x-resource-picker": { provider: "github", kind: "github.file", within: "repository" } })?.within).toBe(
      "repository",
    );
  });

  it("answers no fields for something that is not an object schema", () => {
    expect(describeFields(null)).toEqual([]);
    expect(describeFields({ type: "string" })).toEqual([]);
    expect(describeFields({ properties: [] })).toEqual([]);
  });

  it("titles properties without one from their names", () => {
    expect(titleFromName("spreadsheet_id")).toBe("Spreadsheet id");
    expect(titleFromName("calendarId")).toBe("Calendar id");
    expect(titleFromName("drive.file")).toBe("Drive file");
  });
});

describe("form values", () => {
  it("start from text defaults and nothing chosen, and name the required fields still empty", () => {
    const fields = describeFields(actionSchema);
    const values = initialValues(fields);
    expect(values).toEqual({ spreadsheet_id: "", range: "Sheet1!A1", attachments: [], note: "" });
    expect(missingFields(fields, values)).toEqual(["Spreadsheet"]);
    expect(missingFields(fields, { ...values, spreadsheet_id: "1AbC" })).toEqual([]);
  });
});

describe("schemaForKinds", () => {
  it("makes one picker property per kind, keyed by the kind's id and titled by its name", () => {
    const fields = describeFields(schemaForKinds([driveFile, spreadsheet]));
    expect(fields.map((field) => [field.name, field.title, field.type])).toEqual([
      ["drive.file", "Drive file", "picker"],
      ["sheets.spreadsheet", "Spreadsheet", "picker"],
    ]);
  });
});
