/**
 * Names that tell facilities apart. Facility names are not unique (two imports of "Green Button
 * import", two "Main St 5" in different towns), and a list or picker that shows the bare name leaves
 * the user guessing which is which: a repeated name gets its zip code, and the id when the zip code
 * does not separate them either. Unique names stay as they are.
 */

/** What the labels need of a facility. */
export interface NamedFacility {
  id: string;
  name: string;
  zip?: string | null;
}

/** Label per facility id: the name, with `(zip 10011)` or `(zip 10011, id f-12)` added where names repeat. */
export function distinctNames(facilities: readonly NamedFacility[]): Map<string, string> {
  const byName = new Map<string, NamedFacility[]>();
  for (const f of facilities) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const out = new Map<string, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.set(group[0]!.id, name);
      continue;
    }
    const zipCount = new Map<string, number>();
    for (const f of group) zipCount.set(f.zip ?? '', (zipCount.get(f.zip ?? '') ?? 0) + 1);
    for (const f of group) {
      const zip = f.zip ? `zip ${f.zip}` : 'no zip';
      const unique = f.zip && zipCount.get(f.zip) === 1;
      out.set(f.id, `${name} (${unique ? zip : `${zip}, id ${f.id}`})`);
    }
  }
  return out;
}
