import type {IconName} from "../ui/Icon.js";

export type PanelId = "chat" | "knowledge" | "models" | "settings";

export const PANELS: {id: PanelId; label: string; icon: IconName}[] = [
  {id: "chat", label: "Chat", icon: "chat"},
  {id: "knowledge", label: "Knowledge", icon: "book"},
  {id: "models", label: "Models & GPU", icon: "chip"},
  {id: "settings", label: "Settings", icon: "sliders"},
];
