/** States a status badge can show; each has its own colour, icon and word, never colour alone. */
export type Status = "ok" | "warning" | "alarm" | "offline" | "unknown" | "acknowledged";
