import { Icon, type IconName } from "./icons";
import { useI18n } from "./i18n/language";
import type { Status } from "./status";

export type { Status };

const icons: Record<Status, IconName> = {
  ok: "ok",
  warning: "warning",
  alarm: "alarm",
  offline: "offline",
  unknown: "unknown",
  acknowledged: "acknowledged",
};

/** A status pill: icon + word (+ optional detail), coloured by status with AA contrast. */
export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  const { t } = useI18n();
  return (
    <span class={`badge badge-${status}`} data-status={status}>
      <Icon name={icons[status]} size={16} />
      <span>{label ?? t(`status.${status}`)}</span>
    </span>
  );
}
