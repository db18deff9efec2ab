import { useEffect, useState } from "preact/hooks";
import { organisationSummary } from "../verify/verify-api";

/**
 * The published names of these organisations (public profiles whose digest the API checked against the chain), keyed
 * by lower-case id, filled in as the look-ups answer; an organisation without a published profile is absent, so the
 * page falls back to its short id.
 */
export function useOrganisationNames(
  root: string,
  ids: readonly (string | null | undefined)[],
): Record<string, string> {
  const key = [...new Set(ids.filter((id): id is string => !!id).map((id) => id.toLowerCase()))].sort().join(",");
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!key) return;
    let stopped = false;
    void Promise.all(
      key.split(",").map(async (id) => [id, (await organisationSummary(root, id))?.name ?? null] as const),
    ).then((found) => {
      if (stopped) return;
      setNames(Object.fromEntries(found.filter((entry): entry is readonly [string, string] => entry[1] !== null)));
    });
    return () => {
      stopped = true;
    };
  }, [root, key]);
  return names;
}
