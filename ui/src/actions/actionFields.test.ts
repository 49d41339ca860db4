import { describe, expect, it } from "vitest";
import { actionFields, initialActionValues, toArguments } from "./actionFields";

// Shapes as the backend derives them (schemars): optional values as ["type", "null"] or anyOf with null, enums in
// $defs, arrays of records by $ref, resource ids marked with x-resource-picker.
const createGist = {
  type: "object",
  properties: {
    description: { description: "What the gist is.", type: ["string", "null"], default: null },
    public: { type: "boolean", default: false },
    files: { type: "array", items: { $ref: "#/$defs/GistFile" }, minItems: 1 },
  },
  required: ["files"],
  additionalProperties: false,
  $defs: { GistFile: { type: "object", properties: { name: { type: "string" }, content: { type: "string" } } } },
};
const listRepos = {
  type: "object",
  properties: {
    repository: { type: "string", "x-resource-picker": { provider: "github", kind: "github.repo" } },
    visibility: { anyOf: [{ $ref: "#/$defs/Visibility" }, { type: "null" }], description: "Which ones." },
    limit: { type: ["integer", "null"], minimum: 1 },
    labels: { type: "array", items: { type: "string" }, default: [] },
    body: { type: ["string", "null"] },
  },
  required: ["repository"],
  $defs: { Visibility: { type: "string", enum: ["all", "public", "private"] } },
};

describe("action fields", () => {
  it("reads each parameter as the simplest field that can hold it", () => {
    const kinds = Object.fromEntries(actionFields(listRepos).map((field) => [field.name, field.kind]));
    expect(kinds).toEqual({ repository: "picker", visibility: "choice", limit: "number", labels: "list", body: "text" });
    const visibility = actionFields(listRepos).find((field) => field.name === "visibility");
    expect(visibility?.kind === "choice" && visibility.options).toEqual(["all", "public", "private"]);
    expect(visibility?.description, "the description survives the $ref").toBe("Which ones.");
    const gist = Object.fromEntries(actionFields(createGist).map((field) => [field.name, field.kind]));
    expect(gist).toEqual({ description: "text", public: "boolean", files: "json" });
  });

  it("turns values into arguments, leaving out empty optional fields and naming what cannot be read", () => {
    const fields = actionFields(listRepos);
    const values = { ...initialActionValues(fields), repository: "octocat/hello-world", limit: "5", labels: "bug\n\n ui " };
    expect(toArguments(fields, values)).toEqual({
      args: { repository: "octocat/hello-world", limit: 5, labels: ["bug", "ui"] },
      problems: [],
    });
    expect(toArguments(fields, { ...values, limit: "five" }).problems).toEqual(["Limit must be a whole number."]);
    const gistFields = actionFields(createGist);
    const gist = { ...initialActionValues(gistFields), files: '[{"name":"a.md","content":"# A"}]', public: true };
    expect(toArguments(gistFields, gist).args).toEqual({ public: true, files: [{ name: "a.md", content: "# A" }] });
    expect(toArguments(gistFields, { ...gist, files: "[oops" }).problems).toEqual(["Files is not valid JSON."]);
  });

  it("starts from the arguments of an approval being edited", () => {
    const fields = actionFields(createGist);
    const values = initialActionValues(fields, { files: [{ name: "a", content: "b" }], public: true });
    expect(values.public).toBe(true);
    expect(JSON.parse(String(values.files))).toEqual([{ name: "a", content: "b" }]);
    expect(toArguments(fields, values).args).toEqual({ public: true, files: [{ name: "a", content: "b" }] });
  });
});
