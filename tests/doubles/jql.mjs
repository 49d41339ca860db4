// The JQL subset the Jira double reads: `project = KEY` (or "KEY"), optional
// `AND text ~ "words"` / `AND summary ~ "words"`, optional `ORDER BY field [ASC|DESC]`.
// Anything else is a 400, as Jira answers a query it cannot run.

function tokenize(text) {
  const tokens = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos];
    if (/\s/.test(ch)) {
      pos += 1;
    } else if (ch === '"' || ch === "'") {
      let value = "";
      pos += 1;
      for (;;) {
        if (pos >= text.length) throw new Error(`Error in the JQL Query: Expecting a closing quote (${ch}) at the end of the query.`);
        const c = text[pos];
        if (c === "\\") {
          const escaped = text[pos + 1];
          if (escaped !== '"' && escaped !== "'" && escaped !== "\\") {
            throw new Error(`Error in the JQL Query: Illegal escape sequence \\${escaped ?? ""} in a string.`);
          }
          value += escaped;
          pos += 2;
        } else if (c === ch) {
          pos += 1;
          break;
        } else {
          value += c;
          pos += 1;
        }
      }
      tokens.push({ type: "string", value });
    } else if ("=~,".includes(ch)) {
      tokens.push({ type: ch });
      pos += 1;
    } else {
      const word = text.slice(pos).match(/^[A-Za-z0-9_.-]+/);
      if (!word) throw new Error(`Error in the JQL Query: Unexpected character '${ch}' at position ${pos + 1}.`);
      tokens.push({ type: "word", value: word[0] });
      pos += word[0].length;
    }
  }
  return tokens;
}

/**
 * Parses a query into {project, texts: [{field, words}], order: [{field, desc}]}; throws an
 * Error whose message becomes the 400's text.
 */
export function parseJql(text) {
  const tokens = tokenize(text ?? "");
  let pos = 0;
  const word = (name) => tokens[pos]?.type === "word" && tokens[pos].value.toLowerCase() === name;
  const expect = (what) => {
    const got = tokens[pos];
    throw new Error(`Error in the JQL Query: Expecting ${what} but got '${got ? got.value ?? got.type : "end of query"}'.`);
  };
  const query = { project: null, texts: [], order: [] };
  while (pos < tokens.length && !word("order")) {
    if (pos > 0) {
      if (!word("and")) expect("'AND' or 'ORDER BY'");
      pos += 1;
    }
    const field = tokens[pos]?.type === "word" ? tokens[pos].value.toLowerCase() : null;
    pos += 1;
    if (field === "project") {
      if (tokens[pos]?.type !== "=") expect("operator '='");
      pos += 1;
      const value = tokens[pos];
      if (value?.type !== "word" && value?.type !== "string") expect("a project key");
      if (query.project !== null) throw new Error("Error in the JQL Query: the project is given twice.");
      query.project = value.value;
      pos += 1;
    } else if (field === "text" || field === "summary") {
      if (tokens[pos]?.type !== "~") expect("operator '~'");
      pos += 1;
      const value = tokens[pos];
      if (value?.type !== "string" && value?.type !== "word") expect("a text value");
      const words = value.value.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      query.texts.push({ field, words });
      pos += 1;
    } else {
      pos -= 1;
      expect("a field name (project, text or summary)");
    }
  }
  if (word("order")) {
    pos += 1;
    if (!word("by")) expect("'BY'");
    pos += 1;
    for (;;) {
      const field = tokens[pos]?.type === "word" ? tokens[pos].value.toLowerCase() : null;
      if (!["updated", "created", "key"].includes(field)) expect("a field to order by (updated, created or key)");
      pos += 1;
      let desc = false;
      if (word("asc") || word("desc")) {
        desc = word("desc");
        pos += 1;
      }
      query.order.push({ field, desc });
      if (tokens[pos]?.type !== ",") break;
      pos += 1;
    }
    if (pos < tokens.length) expect("end of query");
  }
  if (query.project === null) {
    throw new Error("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
  }
  return query;
}

/** Whether an issue's text holds every word (as a word prefix), Jira-style. */
export function textMatches(haystack, words) {
  const have = haystack.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return words.every((w) => have.some((h) => h.startsWith(w)));
}
