import type {ReactNode} from "react";
import {Icon, type IconName} from "./Icon.js";

export type Tone = "neutral" | "accent" | "success" | "warning" | "danger" | "info";

export function Badge({tone = "neutral", icon, title, children}: {tone?: Tone; icon?: IconName; title?: string; children: ReactNode}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {icon && <Icon name={icon} size={12} />}
      {children}
    </span>
  );
}
