//! An HTML email body as the text a person would read (SECURITY.md F12: untrusted HTML is shown
//! as text): what `<script>`, `<style>`, `<head>`, `<title>` and `<template>` hold is dropped,
//! the ends of blocks (`<br>`, paragraphs, divisions, list items, table rows…) become line
//! breaks, entities are decoded (`html-escape`), and whitespace collapses as a browser
//! collapses it. Not an HTML parser: no tree and no layout; images and links are dropped with
//! their tags, so no address in them is ever shown or fetched.

/// Elements whose contents a reader never sees.
const HIDDEN: &[&str] = &["script", "style", "head", "title", "template"];

/// Elements that start and end on a line of their own.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

/// The text of `html`: lines without markup, at most one blank line in a row, trimmed.
pub fn readable(html: &str) -> String {
    let mut text = Text::default();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push(&rest[..at]);
        rest = text.markup(&rest[at..]);
    }
    text.push(rest);
    tidy(&text.out)
}

/// The text so far, and whether whitespace is waiting to become one space.
#[derive(Default)]
struct Text {
    out: String,
    space: bool,
}

impl Text {
    /// Text between tags: entities decoded, each run of whitespace one space.
    fn push(&mut self, raw: &str) {
        for character in html_escape::decode_html_entities(raw).chars() {
            if character.is_whitespace() {
                self.space = true;
                continue;
            }
            if self.space && !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(character);
        }
    }

    fn line_break(&mut self) {
        self.out.push('\n');
        self.space = false;
    }

    /// Ends the line unless it has just ended.
    fn end_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.line_break();
        }
    }

    /// Reads the markup at the start of `rest` (which starts with `<`) and returns what follows it.
    fn markup<'a>(&mut self, rest: &'a str) -> &'a str {
        if let Some(comment) = rest.strip_prefix("<!--") {
            return comment.find("-->").map_or("", |end| &comment[end + 3..]);
        }
        let closing = rest[1..].starts_with('/');
        let after = if closing { &rest[2..] } else { &rest[1..] };
        let declaration = after.starts_with(['!', '?']);
        let name_length = after
            .find(|character: char| !character.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        if !declaration && !after.starts_with(|character: char| character.is_ascii_alphabetic()) {
            // `a < b`, `I <3 you`: not a tag (a tag's name starts with a letter), a less-than sign.
            self.push("<");
            return &rest[1..];
        }
        let name = after[..name_length].to_ascii_lowercase();
        let Some(end) = tag_end(&after[name_length..]) else {
            return "";
        };
        let following = &after[name_length + end + 1..];
        if declaration {
            return following;
        }
        // `<script/>` hides what follows as `<script>` does: browsers ignore the slash.
        if !closing && HIDDEN.contains(&name.as_str()) {
            return past_hidden(following, &name);
        }
        match name.as_str() {
            "br" => self.line_break(),
            "p" => {
                self.end_line();
                if !self.out.is_empty() {
                    self.line_break();
                }
            }
            "td" | "th" if closing => self.space = true,
            _ if BLOCKS.contains(&name.as_str()) => self.end_line(),
            _ => {}
        }
        following
    }
}

/// Where the tag whose attributes start `attributes` ends: its `>`, outside quoted values. A
/// quote opens a value only right after `=` (as HTML reads it): in `alt=O'Brien>` it is text.
fn tag_end(attributes: &str) -> Option<usize> {
    let mut quote = None;
    let mut after_equals = false;
    for (at, character) in attributes.char_indices() {
        match (quote, character) {
            (None, '"' | '\'') if after_equals => quote = Some(character),
            (Some(open), _) if character == open => quote = None,
            (None, '>') => return Some(at),
            _ => {}
        }
        if !character.is_whitespace() {
            after_equals = quote.is_none() && character == '=';
        }
    }
    None
}

/// What follows the end of the hidden element `name` whose contents start `rest` (nothing if it
/// never ends). A `<head>` whose end tag is left out, as HTML allows, ends where `<body` starts.
fn past_hidden<'a>(rest: &'a str, name: &str) -> &'a str {
    let close = format!("</{name}");
    let end = match (find_ignoring_case(rest, &close), name) {
        (None, "head") => return find_ignoring_case(rest, "<body").map_or("", |at| &rest[at..]),
        (None, _) => return "",
        (Some(at), _) => at,
    };
    let after = &rest[end + close.len()..];
    tag_end(after).map_or("", |at| &after[at + 1..])
}

/// The byte offset of ASCII `needle` in `haystack`, ignoring ASCII case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Lines trimmed, at most one blank line in a row, none at either end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn an_html_email_reads_as_its_text_without_markup_scripts_or_styles() {
        let html = concat!(
            "<!DOCTYPE html><html><head><title>Newsletter</title>",
            "<style>p { color: red }</style><meta charset=\"utf-8\"></head><body>",
            "<!-- tracking: id=42 -->",
            "<div>Hi Ana,</div><div>Fish &amp; chips &lt;tonight&gt;? It&#39;s&nbsp;on&#x21;</div>",
            "<p>Line one<br>line two<BR/>line three</p>",
            "<SCRIPT type=\"text/javascript\">document.write('<p>evil</p>')</SCRIPT>",
            "<img src=\"https://tracker.example.com/pixel.gif?u=ana\" alt=\"\" width=1>",
            "<ul><li>first</li><li>second</li></ul>",
            "<table><tr><td>Item</td><td>Price</td></tr><tr><td>Tea</td><td>2 &euro;</td></tr></table>",
            "<p>See <a href=\"https://example.com/x?a=1&amp;b=2\">the   plan</a>\n  today.</p>",
            "</body></html>"
        );
        assert_eq!(
            readable(html),
            "Hi Ana,\nFish & chips <tonight>? It's on!\n\nLine one\nline two\nline three\n\n\
             first\nsecond\nItem Price\nTea 2 €\n\nSee the plan today.",
            "what a person reads: blocks on lines, entities decoded, nothing of the head, script, \
             style, comment, image or link address"
        );
    }

    #[test]
    fn blank_lines_collapse_and_markup_that_never_ends_hides_the_rest() {
        assert_eq!(
            readable("<p>a</p><p></p><div></div><br><br><br><p>b</p>"),
            "a\n\nb",
            "at most one blank line in a row"
        );
        assert_eq!(
            readable("1 < 2 and 3 > 2"),
            "1 < 2 and 3 > 2",
            "a lone less-than sign is text"
        );
        assert_eq!(
            readable("I <3 you, <3 times"),
            "I <3 you, <3 times",
            "a tag's name starts with a letter: `<3` is text"
        );
        assert_eq!(
            readable("a<script/>alert(1)</script>b<style/>p{}</style>c"),
            "abc",
            "a self-closed script or style still hides what a browser hides"
        );
        assert_eq!(
            readable("shown<script>alert(1)"),
            "shown",
            "a script that never ends hides everything after it"
        );
        assert_eq!(
            readable("shown<img alt=\"a > b\" src=x>after"),
            "shownafter",
            "a > inside a quoted attribute does not end the tag"
        );
        assert_eq!(
            readable("<img alt=O'Brien src=x>Dear Ann, <b title = 'x>y'>hi</b>"),
            "Dear Ann, hi",
            "a quote opens a value only after =: an apostrophe in an unquoted value is text"
        );
        assert_eq!(
            readable("<html><head><title>t</title><body>Hello"),
            "Hello",
            "a head without its end tag ends at the body"
        );
    }
}
