/** A stored date as the ISO 8601 text every answer uses (undefined stays undefined). */
export const iso = (d: Date | null | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);
