import { useI18n } from "../shared/i18n/language";
import { shortId } from "../verify/verdict";
import type { OrganisationView } from "./organisation-data";

/** An organisation's published name, or "name not published" with its short id. */
export function useOrganisationName() {
  const { t } = useI18n();
  return (organisation: OrganisationView | undefined, id?: string) =>
    organisation?.profile?.name ?? t("organisation.unnamed", { id: shortId(organisation?.id ?? id ?? "") });
}
