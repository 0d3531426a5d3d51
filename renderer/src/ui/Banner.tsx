import type {ReactNode} from "react";
import {IconButton} from "./Button.js";
import {Icon, type IconName} from "./Icon.js";

type BannerTone = "neutral" | "info" | "warning" | "danger" | "success";
const ICON_FOR: Record<BannerTone, IconName> = {neutral: "info", info: "info", warning: "warning", danger: "warning", success: "check"};

export function Banner({
  tone = "info",
  title,
  children,
  actions,
  onDismiss,
}: {
  tone?: BannerTone;
  title?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  onDismiss?: () => void;
}) {
  return (
    <div className={`banner banner-${tone}`} role={tone === "danger" ? "alert" : "status"}>
      <Icon name={ICON_FOR[tone]} size={18} className="banner-icon" />
      <div className="banner-body">
        {title && <div className="banner-title">{title}</div>}
        {children && <div className="banner-text">{children}</div>}
      </div>
      {actions && <div className="banner-actions">{actions}</div>}
      {onDismiss && <IconButton icon="close" label="Dismiss" size="sm" onClick={onDismiss} />}
    </div>
  );
}
