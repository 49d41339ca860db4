// Reads a JSON Schema object's properties into the fields of a form: plain text, or a resource picker where a property
// (or an array's `items`) carries `x-resource-picker: { provider, kind, filter?, within? }`.

/**
 * What a picker field asks for: a kind of resource of one provider, optionally with a fixed filter, and the property
 * whose chosen value is the place it opens at (`within`: a file in the repository chosen above).
 */
export type PickerSpec = { provider: string; kind: string; filter: string | null; within: string | null };

type FieldBase = {
  /** The property's name: the key its value is returned under. */
  name: string;
  title: string;
  description: string | null;
  required: boolean;
};

export type TextField = FieldBase & { type: "text"; defaultValue: string };
/** `multiple` for an array of resources: the value is then a list of ids. */
export type PickerField = FieldBase & { type: "picker"; picker: PickerSpec; multiple: boolean };
export type FieldDescription = TextField | PickerField;

/** A picker field's value is the chosen id (or ids); a text field's, what was typed. */
export type FieldValue = string | string[];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** Whether the schema's `type` is (or, as a list, includes) `wanted`. */
function hasType(schema: Json, wanted: string): boolean {
  const type = schema.type;
  return type === wanted || (Array.isArray(type) && type.includes(wanted));
}

/** The `x-resource-picker` of a schema, when it is well formed. */
export function pickerSpec(schema: unknown): PickerSpec | null {
  if (!isObject(schema)) return null;
  const spec = schema["x-resource-picker"];
  if (!isObject(spec)) return null;
  const provider = text(spec.provider);
  const kind = text(spec.kind);
  if (provider === null || kind === null) return null;
  return { provider, kind, filter: text(spec.filter), within: text(spec.within) };
}

/** "spreadsheet_id" → "Spreadsheet id", for properties without a title. */
export function titleFromName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .trim()
    .toLowerCase();
  return words === "" ? name : words.charAt(0).toUpperCase() + words.slice(1);
}

/** One field per property, in the schema's order; anything that is not a picker is a text field. */
export function describeFields(schema: unknown): FieldDescription[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name) => typeof name === "string") : []);
  return Object.entries(schema.properties).map(([name, property]): FieldDescription => {
    const described = isObject(property) ? property : {};
    const base: FieldBase = {
      name,
      title: text(described.title) ?? titleFromName(name),
      description: text(described.description),
      required: required.has(name),
    };
    if (hasType(described, "array")) {
      const spec = pickerSpec(described.items) ?? pickerSpec(described);
      if (spec) return { ...base, type: "picker", picker: spec, multiple: true };
    } else {
      const spec = pickerSpec(described);
      if (spec) return { ...base, type: "picker", picker: spec, multiple: false };
    }
    const defaultValue = typeof described.default === "string" ? described.default : "";
    return { ...base, type: "text", defaultValue };
  });
}

/** The values a form starts with: text defaults, and nothing chosen yet. */
export function initialValues(fields: readonly FieldDescription[]): Record<string, FieldValue> {
  return Object.fromEntries(
    fields.map((field) => [field.name, field.type === "text" ? field.defaultValue : field.multiple ? [] : ""]),
  );
}

/** The required fields still empty, by title. */
export function missingFields(fields: readonly FieldDescription[], values: Record<string, FieldValue>): string[] {
  return fields
    .filter((field) => {
      if (!field.required) return false;
      const value = values[field.name];
      return Array.isArray(value) ? value.length === 0 : (value ?? "").trim() === "";
    })
    .map((field) => field.title);
}

/** A schema with one picker property per kind (keyed by the kind's id), for looking things up and copying their IDs. */
export function schemaForKinds(kinds: readonly { id: string; provider: string; name: string }[]): Record<string, unknown> {
  const properties = Object.fromEntries(
    kinds.map((kind) => [kind.id, { type: "string", title: kind.name, "x-resource-picker": { provider: kind.provider, kind: kind.id } }]),
  );
  return { type: "object", properties };
}
