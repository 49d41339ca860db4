// An action's parameters as form fields, read from its JSON Schema (as the backend derives it: `$defs` and `$ref`,
// `anyOf` with null for optional values, `x-resource-picker` on resource ids), and the form's values turned back into
// the arguments the backend validates again. Anything the form cannot show as a simple field is edited as JSON.
import { pickerSpec, titleFromName, type PickerField as PickerFieldSpec } from "../pickers/schema";

type Json = Record<string, unknown>;

type Base = { name: string; title: string; description: string | null; required: boolean };
export type ActionField =
  | (Base & { kind: "text"; multiline: boolean })
  | (Base & { kind: "number"; integer: boolean })
  | (Base & { kind: "boolean" })
  | (Base & { kind: "choice"; options: string[] })
  | (Base & { kind: "list" })
  | (Base & { kind: "json" })
  | (Base & { kind: "picker"; spec: PickerFieldSpec });

/** Text for text, number, list (one per line) and JSON fields; ids for pickers; true/false for booleans. */
export type ActionValue = string | string[] | boolean;

/** Long text is edited in a text area. */
const MULTILINE = new Set(["body", "text", "content", "description", "message", "html_body"]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schema a `$ref` or a nullable `anyOf` stands for, with its own description kept. */
function resolve(schema: unknown, root: Json): Json {
  if (!isObject(schema)) return {};
  let node: Json = schema;
  if (Array.isArray(node.anyOf)) {
    const real = node.anyOf.filter((option) => !(isObject(option) && option.type === "null"));
    if (real.length === 1 && isObject(real[0])) node = { ...real[0], description: schema.description };
  }
  const ref = node.$ref;
  if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
    const defs = isObject(root.$defs) ? root.$defs : {};
    const target = defs[ref.slice("#/$defs/".length)];
    if (isObject(target)) node = { ...target, description: node.description ?? target.description };
  }
  return node;
}

/** The schema's type without null: "string" for ["string", "null"]. */
function typeOf(schema: Json): string | null {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t) => t !== "null") ?? null;
  return null;
}

export function actionFields(schema: unknown): ActionField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const node = resolve(raw, schema);
    const base: Base = {
      name,
      title: typeof node.title === "string" ? node.title : titleFromName(name),
      description: typeof node.description === "string" ? node.description : null,
      required: required.has(name),
    };
    const picker = pickerSpec(node) ?? (typeOf(node) === "array" ? pickerSpec(resolve(node.items, schema)) : null);
    if (picker) {
      const multiple = typeOf(node) === "array";
      return { ...base, kind: "picker", spec: { ...base, type: "picker", picker, multiple } };
    }
    const type = typeOf(node);
    if (Array.isArray(node.enum) && node.enum.every((option) => typeof option === "string")) {
      return { ...base, kind: "choice", options: node.enum as string[] };
    }
    if (type === "string") return { ...base, kind: "text", multiline: MULTILINE.has(name) };
    if (type === "integer" || type === "number") return { ...base, kind: "number", integer: type === "integer" };
    if (type === "boolean") return { ...base, kind: "boolean" };
    if (type === "array" && typeOf(resolve(node.items, schema)) === "string") return { ...base, kind: "list" };
    return { ...base, kind: "json" };
  });
}

/** The form's values for `fields`: from `args` where given (an approval being edited), else empty or false. */
export function initialActionValues(fields: readonly ActionField[], args: unknown = {}): Record<string, ActionValue> {
  const given = isObject(args) ? args : {};
  const values: Record<string, ActionValue> = {};
  for (const field of fields) {
    const value = given[field.name];
    switch (field.kind) {
      case "boolean":
        values[field.name] = value === true;
        break;
      case "list":
        values[field.name] = Array.isArray(value) ? value.map(String).join("\n") : "";
        break;
      case "json":
        values[field.name] = value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
        break;
      case "picker":
        values[field.name] = field.spec.multiple
          ? Array.isArray(value) ? value.map(String) : []
          : typeof value === "string" ? value : "";
        break;
      default:
        values[field.name] = value === undefined || value === null ? "" : String(value);
    }
  }
  return values;
}

/**
 * The arguments the values stand for: empty optional fields left out, numbers and JSON parsed. `problems` names the
 * fields that could not be read (the backend checks everything else against the schema).
 */
export function toArguments(
  fields: readonly ActionField[],
  values: Record<string, ActionValue>,
): { args: Record<string, unknown>; problems: string[] } {
  const args: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === "boolean") {
      if (value === true || field.required) args[field.name] = value === true;
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > 0 || field.required) args[field.name] = value;
      continue;
    }
    const text = typeof value === "string" ? value.trim() : "";
    if (text === "") continue;
    if (field.kind === "number") {
      const number = Number(text);
      if (!Number.isFinite(number) || (field.integer && !Number.isInteger(number))) {
        problems.push(`${field.title} must be ${field.integer ? "a whole number" : "a number"}.`);
      } else args[field.name] = number;
    } else if (field.kind === "list") {
      args[field.name] = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
    } else if (field.kind === "json") {
      try {
        args[field.name] = JSON.parse(text);
      } catch {
        problems.push(`${field.title} is not valid JSON.`);
      }
    } else {
      args[field.name] = field.kind === "text" && field.multiline ? String(value) : text;
    }
  }
  return { args, problems };
}
