// Which mark each provider draws: the icon and brand colour from Simple Icons (simple-icons on npm, CC0-1.0), imported
// one by one so the bundle keeps only these few. A provider with no entry here keeps its letter: Slack (Simple Icons
// removed its mark at the brand's request) and any provider the catalogue gains later. Not a place for colours of our
// own: the theme's are in styles.css. Brand marks are trademarks of their owners.
import { siAtlassian, siGithub, siGoogle, siNotion, siSupabase, siTelegram, type SimpleIcon } from "simple-icons";

export type Mark = {
  /** The brand's name as Simple Icons spells it. */
  title: string;
  /** One SVG path in a 24×24 box. */
  path: string;
  /** The brand colour, `#rrggbb`. */
  colour: string;
  /** Too dark to read on the dark theme's surfaces: drawn in the text colour there. */
  lightInDark: boolean;
};

const icons: Record<string, SimpleIcon> = {
  atlassian: siAtlassian,
  github: siGithub,
  google: siGoogle,
  notion: siNotion,
  supabase: siSupabase,
  telegram: siTelegram,
};

/** The lightest surface a mark sits on in the dark theme (styles.css: --surface-muted, #232833), as relative luminance. */
const DARK_SURFACE_LUMINANCE = 0.022;
/** WCAG's least contrast for graphics (1.4.11). */
const LEAST_CONTRAST = 3;

export function providerMark(provider: string): Mark | null {
  const icon = Object.hasOwn(icons, provider) ? icons[provider] : undefined;
  if (!icon) return null;
  const contrast = (luminance(icon.hex) + 0.05) / (DARK_SURFACE_LUMINANCE + 0.05);
  return { title: icon.title, path: icon.path, colour: `#${icon.hex}`, lightInDark: contrast < LEAST_CONTRAST };
}

/** WCAG relative luminance of `rrggbb`. */
function luminance(hex: string): number {
  const [red, green, blue] = [0, 2, 4].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}
