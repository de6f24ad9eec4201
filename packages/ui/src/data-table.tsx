import {
  Table,
  TableScrollContainer,
  TableTbody,
  TableTd,
  TableTh,
  TableThead,
  TableTr,
  Text,
} from "@mantine/core";
import type { ReactNode } from "react";

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** A table with a caption for screen readers and an empty state; scrolls sideways on a phone. */
export function DataTable<T>(props: {
  caption: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty?: string;
}) {
  if (props.rows.length === 0) {
    return (
      <Text c="dimmed" py="lg" ta="center">
        {props.empty ?? "Nothing here yet."}
      </Text>
    );
  }
  return (
    <TableScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <caption className="visually-hidden">{props.caption}</caption>
        <TableThead>
          <TableTr>
            {props.columns.map((c) => (
              <TableTh key={c.header} scope="col">
                {c.header}
              </TableTh>
            ))}
          </TableTr>
        </TableThead>
        <TableTbody>
          {props.rows.map((row) => (
            <TableTr key={props.rowKey(row)}>
              {props.columns.map((c) => (
                <TableTd key={c.header}>{c.cell(row)}</TableTd>
              ))}
            </TableTr>
          ))}
        </TableTbody>
      </Table>
    </TableScrollContainer>
  );
}
