/** A column of an AdminTable: its key (the row's field, or the name of the slot that draws the cell) and title. */
export interface AdminColumn {
  key: string;
  title: string;
  /** Right-aligned tabular figures (money, counts). */
  num?: boolean;
  /** Extra classes of the column's cells. */
  class?: string;
}
