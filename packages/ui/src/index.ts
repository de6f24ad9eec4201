// @honeydue/ui: the shared React components of honeyDue's web apps (the admin panel now, the household web
// app later), built on Mantine (docs/decisions/0005-mantine-for-the-web-apps.md). Server-component safe
// except where a file says "use client".

export { DataTable } from "./data-table.tsx";
export { Notice } from "./notice.tsx";
export { Pager } from "./pager.tsx";
export { StatCard } from "./stat-card.tsx";
export { theme } from "./theme.ts";
export { TrendChart } from "./trend-chart.tsx";
