import { createTheme } from "@mantine/core";

/**
 * honeyDue's Mantine theme: system fonts (no web-font download, nothing to allow in CSP) and colours that
 * pass WCAG AA contrast (4.5:1): the darkest shade for filled components, indigo for actions. Honey yellow
 * stays a background colour, where dark text on it reads well.
 */
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 9, dark: 7 },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
  defaultRadius: "md",
  // Dark text on honey-yellow buttons: white on yellow fails WCAG AA contrast.
  autoContrast: true,
});
