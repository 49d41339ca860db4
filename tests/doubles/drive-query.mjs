// Drive's `q` search language (the subset the doubles understand) and `orderBy`, as
// documented for files.list. A query outside the subset is an error, never ignored.

/** Splits a query into tokens: strings ('…' with \' and \\), words, operators, parentheses. */
function tokenize(text) {
  const tokens = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos];
    if (/\s/.test(ch)) {
      pos += 1;
    } else if (ch === "'") {
      let value = "";
      pos += 1;
      for (;;) {
        if (pos >= text.length) return null;
        const c = text[pos];
        if (c === "\\") {
          const escaped = text[pos + 1];
          if (escaped !== "'" && escaped !== "\\") return null;
          value += escaped;
          pos += 2;
        } else if (c === "'") {
          pos += 1;
          break;
        } else {
          value += c;
          pos += 1;
        }
      }
      tokens.push({ type: "string", value });
    } else if (ch === "(" || ch === ")" || ch === "=") {
      tokens.push({ type: ch });
      pos += 1;
    } else if (text.startsWith("!=", pos)) {
      tokens.push({ type: "!=" });
      pos += 2;
    } else {
      const word = text.slice(pos).match(/^[A-Za-z_]+/);
      if (!word) return null;
      tokens.push({ type: "word", value: word[0] });
      pos += word[0].length;
    }
  }
  return tokens;
}

/**
 * Parses `q` into a list of AND-ed terms, each a list of OR-ed conditions, or returns null when
 * the query is not in the subset. A condition is {field, op, value}.
 */
export function parseQuery(text) {
  const tokens = tokenize(text);
  if (tokens === null) return null;
  let pos = 0;
  const peekWord = (word) => tokens[pos]?.type === "word" && tokens[pos].value.toLowerCase() === word;
  const condition = () => {
    const first = tokens[pos];
    if (!first) return null;
    if (first.type === "string") {
      if (!peekWordAt(pos + 1, "in") || !(tokens[pos + 2]?.type === "word" && tokens[pos + 2].value === "parents")) {
        return null;
      }
      pos += 3;
      return { field: "parents", op: "in", value: first.value };
    }
    if (first.type !== "word") return null;
    const op = tokens[pos + 1];
    const value = tokens[pos + 2];
    if (!op) return null;
    const opName = op.type === "word" ? op.value : op.type;
    pos += 3;
    switch (first.value) {
      case "trashed":
      case "starred":
        if (opName !== "=" || value?.type !== "word" || !["true", "false"].includes(value.value)) return null;
        return { field: first.value, op: "=", value: value.value === "true" };
      case "name":
        if (opName !== "contains" || value?.type !== "string") return null;
        return { field: "name", op: "contains", value: value.value.toLowerCase() };
      case "mimeType":
        if (!["=", "!=", "contains"].includes(opName) || value?.type !== "string") return null;
        return { field: "mimeType", op: opName, value: value.value };
      default:
        return null;
    }
  };
  const peekWordAt = (at, word) => tokens[at]?.type === "word" && tokens[at].value.toLowerCase() === word;
  const term = () => {
    if (tokens[pos]?.type !== "(") {
      const single = condition();
      return single && [single];
    }
    pos += 1;
    const any = [];
    for (;;) {
      const one = condition();
      if (!one) return null;
      any.push(one);
      if (tokens[pos]?.type === ")") {
        pos += 1;
        return any;
      }
      if (!peekWord("or")) return null;
      pos += 1;
    }
  };
  const all = [];
  for (;;) {
    const one = term();
    if (!one) return null;
    all.push(one);
    if (pos === tokens.length) return all;
    if (!peekWord("and")) return null;
    pos += 1;
  }
}

/** Whether `file` meets the condition; `resolve` maps a parent id ('root' → the root's id). */
export function matches(file, { field, op, value }, resolve) {
  switch (field) {
    case "parents":
      return file.parents.includes(resolve(value));
    case "trashed":
      return file.trashed === value;
    case "starred":
      return file.starred === value;
    case "name":
      return file.lowerName.includes(value);
    case "mimeType":
      if (op === "=") return file.mimeType === value;
      if (op === "!=") return file.mimeType !== value;
      return file.mimeType.includes(value);
    default:
      return false;
  }
}

const ORDER_KEYS = {
  createdTime: (f) => f.createdTime,
  folder: (f) => (f.mimeType === "application/vnd.google-apps.folder" ? 0 : 1),
  modifiedByMeTime: (f) => f.modifiedTime,
  modifiedTime: (f) => f.modifiedTime,
  name: (f) => f.lowerName,
  name_natural: (f) => f.lowerName,
  quotaBytesUsed: (f) => Number(f.size ?? 0),
  recency: (f) => (f.viewedByMeTime ?? "") > f.modifiedTime ? f.viewedByMeTime : f.modifiedTime,
  sharedWithMeTime: () => "",
  starred: (f) => (f.starred ? 0 : 1),
  viewedByMeTime: (f) => f.viewedByMeTime ?? "",
};

/** A comparator for `orderBy` ("folder,modifiedTime desc,name"), or null if a key is unknown. */
export function parseOrder(text) {
  const keys = [];
  for (const part of text.split(",")) {
    const [name, direction, ...rest] = part.trim().split(/\s+/);
    if (!ORDER_KEYS[name] || rest.length || (direction && !["asc", "desc"].includes(direction))) return null;
    keys.push({ key: ORDER_KEYS[name], sign: direction === "desc" ? -1 : 1 });
  }
  return (a, b) => {
    for (const { key, sign } of keys) {
      const [x, y] = [key(a), key(b)];
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return a.index - b.index;
  };
}
